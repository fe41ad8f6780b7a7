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

/** The stored subscriber list, checked: a list of portfolio names, each once (anything else is quarantined). */
export function subscriberList(stored: unknown): string[] {
  if (!Array.isArray(stored) || !stored.every((p): p is string => typeof p === "string" && p.length > 0)) throw new Error("subscribers is not a list of portfolio names");
  return [...new Set(stored)];
}
