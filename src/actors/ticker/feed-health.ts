import type { FrameDropReason } from "../../adapters/exchange/binance-frames";
import type { RestRejectReason } from "../../adapters/exchange/binance-rest";

export type FeedStatus = "idle" | "connecting" | "live" | "reconnecting" | "stopped";

/** A market feed's health, kept by its ticker and shown by GET /api/status and the dashboard. */
export interface FeedHealth {
  status: FeedStatus;
  connectedAt: number | null;
  lastMessageWall: number | null;
  lastEventAt: number | null;
  framesOk: number;
  dropped: Partial<Record<FrameDropReason, number>>;
  /** REST answers not used (refused by the governor, timed out, failed, unreadable, out of bounds), by reason. */
  restRejected: Partial<Record<RestRejectReason, number>>;
  duplicates: number;
  disconnects: number;
  reconnectAttempt: number;
  gapsBackfilled: number;
  candlesBackfilled: number;
  lastError: string | null;
}

export const NEW_HEALTH: FeedHealth = {
  status: "idle",
  connectedAt: null,
  lastMessageWall: null,
  lastEventAt: null,
  framesOk: 0,
  dropped: {},
  restRejected: {},
  duplicates: 0,
  disconnects: 0,
  reconnectAttempt: 0,
  gapsBackfilled: 0,
  candlesBackfilled: 0,
  lastError: null,
};

/**
 * The feed's health and its one stored copy (kv `health`). Counters of the frame path change in memory and are stored
 * with the next change that is (a closed minute, a drop, a state change): a write per frame would be too many.
 */
export class HealthRecord {
  private health: FeedHealth;

  constructor(private readonly kv: SyncKvStorage) {
    this.health = kv.get<FeedHealth>("health") ?? { ...NEW_HEALTH };
  }

  get value(): Readonly<FeedHealth> {
    return this.health;
  }

  /** The health as status pages show it, with the wall time since the last message. */
  report(wallNow: number): FeedHealth & { lastMessageAgoMs: number | null } {
    const h = this.health;
    return { ...h, lastMessageAgoMs: h.lastMessageWall === null ? null : wallNow - h.lastMessageWall };
  }

  /** Changes fields and stores the health. */
  set(patch: Partial<FeedHealth>): void {
    this.health = { ...this.health, ...patch };
    this.save();
  }

  save(): void {
    this.kv.put("health", this.health);
  }

  /** A message arrived (wall time): the heartbeat's measure of silence. In memory. */
  heard(wall: number): void {
    this.health.lastMessageWall = wall;
  }

  /** A valid kline frame of event time `eventTime`. In memory. */
  frame(eventTime: number): void {
    this.health.framesOk++;
    this.health.lastEventAt = eventTime;
  }

  /** A frame of a minute already closed. In memory. */
  duplicate(): void {
    this.health.duplicates++;
  }

  /** A closing frame found minutes missing before it. In memory. */
  gap(): void {
    this.health.gapsBackfilled++;
  }

  /** The last failure of the frame path. In memory. */
  failed(error: string): void {
    this.health.lastError = error;
  }

  /** Counts a dropped frame by its reason; answers that reason's count. Stored. */
  dropped(reason: FrameDropReason): number {
    const n = (this.health.dropped[reason] ?? 0) + 1;
    this.health.dropped = { ...this.health.dropped, [reason]: n };
    this.save();
    return n;
  }

  /** Counts a REST answer not used by its reason. Stored. */
  rejected(reason: RestRejectReason): void {
    const rejected = { ...(this.health.restRejected ?? {}) };
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    this.set({ restRejected: rejected });
  }

  /** Minutes fetched by REST to fill a gap or a reconnect. Stored. */
  backfilled(minutes: number): void {
    this.health.candlesBackfilled += minutes;
    this.save();
  }

  /** Takes the next reconnect attempt: answers its number (0 first) and counts it. Stored. */
  nextReconnectAttempt(): number {
    const attempt = this.health.reconnectAttempt;
    this.health.reconnectAttempt = attempt + 1;
    this.save();
    return attempt;
  }
}
