import type { ExitConfig } from "../config";
import { requestCancel } from "./exchange-orders";
import { isLive, stopIntent } from "./order";
import { changedPosition, type PositionState } from "./position";

export interface ProtectionConfig {
  /** Rest a stop-loss-limit sell on the exchange under every open position (exchange broker only). */
  enabled: boolean;
  /** The stop's limit sits this far under its trigger, so a gap still fills. */
  limitOffsetPct: number;
  /** The stop is moved up (cancel and replace) once the trail is this far above it. */
  replaceStepPct: number;
  /** After the exchange refused a stop, wait this long (engine time) before placing another. */
  retryAfterRejectMs: number;
}

/** Where the position's stop belongs now: the hard stop, or the trailing stop once the trail is active. */
export function protectiveStopPrice(state: PositionState, exits: ExitConfig): number | null {
  if (state.status !== "open" || state.openedAt === null || !(state.entryPrice > 0)) return null;
  const hard = state.entryPrice * (1 - exits.hardStopPct);
  const trailActive = state.peakPrice >= state.entryPrice * (1 + exits.trailActivationPct);
  return trailActive ? Math.max(hard, state.peakPrice * (1 - exits.trailPct)) : hard;
}

/**
 * Keeps one protective stop resting on the exchange under an open position: written as intent after
 * the entry fills, replaced (cancel, then a new one) when the trailing stop moved up far enough,
 * cancelled when the position exits (a sell must not meet the base the stop locks). Pure: the actor
 * places, cancels and queries what this writes.
 */
export function planProtection(state: PositionState, now: number, exits: ExitConfig, cfg: ProtectionConfig): PositionState {
  if (!cfg.enabled) return state;
  const stops = state.orders.filter((o) => o.purpose === "stop");
  const working = stops.filter((o) => o.status === "intent" || isLive(o));
  let next = state;
  if (state.status !== "open" || state.hold) {
    for (const s of working) next = requestCancel(next, s.clientOrderId, state.hold ? `operator hold: ${state.hold}` : `position ${state.status}`);
    return next;
  }
  const want = protectiveStopPrice(state, exits);
  if (want === null) return state;
  const current = working.find((o) => !o.cancelRequested);
  if (current) {
    if (current.stopPrice != null && want > current.stopPrice * (1 + cfg.replaceStepPct)) next = requestCancel(next, current.clientOrderId, `trail moved to ${want}`);
    return next;
  }
  if (working.length > 0) return next; // a stop being cancelled: its replacement follows once it is gone
  const lastRejected = stops.filter((o) => o.status === "rejected").at(-1);
  if (lastRejected && now - lastRejected.createdAt < cfg.retryAfterRejectMs) return next;
  const stop = stopIntent(state.id, state.symbol, state.qty, want, want * (1 - cfg.limitOffsetPct), stops.length + 1, `protective stop at ${want.toPrecision(8)}`, now);
  return changedPosition(next, { orders: [...next.orders, stop] });
}
