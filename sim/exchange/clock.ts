/**
 * Replay clock. Manual mode: time only moves through `set`. Realtime mode: T = anchor + wall elapsed x speed,
 * re-anchored on every speed/pause change so changes never make time jump. T never passes `end`.
 */
export class ReplayClock {
  private anchorMarket: number;
  private anchorWall: number;
  private speedValue: number;
  private pausedValue = false;

  constructor(
    readonly mode: "realtime" | "manual",
    start: number,
    speed: number,
    private readonly end: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.anchorMarket = Math.min(start, end);
    this.anchorWall = wallNow();
    this.speedValue = speed;
  }

  get speed(): number {
    return this.speedValue;
  }

  get paused(): boolean {
    return this.pausedValue;
  }

  now(): number {
    if (this.mode === "manual" || this.pausedValue) return this.anchorMarket;
    const t = this.anchorMarket + (this.wallNow() - this.anchorWall) * this.speedValue;
    return Math.min(Math.floor(t), this.end);
  }

  /** Manual mode only: moves replay time to `t` (clamped to the end of the data). */
  set(t: number): void {
    this.anchorMarket = Math.min(t, this.end);
  }

  control(c: { speed?: number; paused?: boolean }): void {
    const t = this.now();
    this.anchorMarket = t;
    this.anchorWall = this.wallNow();
    if (c.speed !== undefined) this.speedValue = c.speed;
    if (c.paused !== undefined) this.pausedValue = c.paused;
  }
}
