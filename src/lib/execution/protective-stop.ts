import type { ExitConfig } from "../config";
import { requestCancel } from "./exchange-orders";
import { isLive, stopIntent } from "./order";
import { changedPosition, isShort, type PositionState } from "./position";
import { safetyLevels } from "../exits/safety";

export interface ProtectionConfig {
  /** Rest a protective stop on the exchange beyond every open position (exchange broker only): spot stop-loss-limit, futures stop-market. */
  enabled: boolean;
  /** A spot stop's limit sits this far under its trigger, so a gap still fills. */
  limitOffsetPct: number;
  /** The stop is moved up (cancel and replace) once the trail is this far above it. */
  replaceStepPct: number;
  /** After the exchange refused a stop, wait this long (engine time) before placing another. */
  retryAfterRejectMs: number;
}

/**
 * Where the position's stop belongs now: the safety layer's hard stop, or its trailing stop once the trail is active
 * (`safetyLevels`), whichever is nearer the price on the position's side (a short's stop is above it). A leg of a carry
 * has none: it answers to its group, not to its own price.
 */
export function protectiveStopPrice(state: PositionState, exits: ExitConfig): number | null {
  if (state.status !== "open" || state.openedAt === null || !(state.entryPrice > 0) || state.group !== undefined) return null;
  const { hardStop, trailingStop } = safetyLevels({ side: state.side, entryPrice: state.entryPrice, peakPrice: state.peakPrice, openedAt: state.openedAt, entry: state.entryContext }, exits);
  if (trailingStop === null) return hardStop;
  return isShort(state) ? Math.min(hardStop, trailingStop) : Math.max(hardStop, trailingStop);
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
    const moved = current.stopPrice != null && (isShort(state) ? want < current.stopPrice * (1 - cfg.replaceStepPct) : want > current.stopPrice * (1 + cfg.replaceStepPct));
    if (moved) next = requestCancel(next, current.clientOrderId, `trail moved to ${want}`);
    return next;
  }
  if (working.length > 0) return next; // a stop being cancelled: its replacement follows once it is gone
  const lastRejected = stops.filter((o) => o.status === "rejected").at(-1);
  if (lastRejected && now - lastRejected.createdAt < cfg.retryAfterRejectMs) return next;
  const reason = `protective stop at ${want.toPrecision(8)}`;
  // Futures: a reduce-only stop-market on the venue (a short's buys); spot: a stop-loss-limit sell with its limit under the trigger.
  const stop =
    state.venue === "futures"
      ? stopIntent(state.id, state.symbol, state.qty, want, null, stops.length + 1, reason, now, isShort(state) ? "buy" : "sell")
      : stopIntent(state.id, state.symbol, state.qty, want, want * (1 - cfg.limitOffsetPct), stops.length + 1, reason, now);
  return changedPosition(next, { orders: [...next.orders, stop] });
}
