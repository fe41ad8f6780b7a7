/**
 * Engine time for an actor. In "wall" mode it is the wall clock. In "feed" mode (replays) it is the
 * newest market event time the actor has seen, so a replay at any speed sees the market's own time;
 * it only moves forward and survives restarts.
 */
export class EngineClock {
  private feedNow: number;

  constructor(
    private readonly mode: "wall" | "feed",
    private readonly kv: SyncKvStorage,
  ) {
    this.feedNow = kv.get<number>("_clock") ?? 0;
  }

  static modeOf(value: string | undefined): "wall" | "feed" {
    return value === "feed" ? "feed" : "wall";
  }

  get isFeed(): boolean {
    return this.mode === "feed";
  }

  /** Advances feed time to a market event time; older times are ignored. */
  observe(t: number): void {
    if (this.mode === "feed" && t > this.feedNow) {
      this.feedNow = t;
      this.kv.put("_clock", t);
    }
  }

  now(): number {
    return this.mode === "wall" ? Date.now() : this.feedNow;
  }

  /** Wall-clock ms, for alarms, timeouts and socket health, which are about the machine, not the market. */
  wall(): number {
    return Date.now();
  }
}
