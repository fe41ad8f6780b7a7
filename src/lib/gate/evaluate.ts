import type { GateConfig } from "../config";
import { advanceCrossings, conditionValue, describeCondition, firstMetCondition, isConditionMet } from "./wake-conditions";
import { gateState, type GateEvent, type GateLayer, type GateResult, type GateSkip, type GateState, type GateVerdict, type TickEvent, type WakeCondition } from "./types";

const NO_LAYER: GateVerdict = Object.freeze({ open: false, layer: null, reason: "no layer fired", suppressed: false, skip: "no layer fired" });

/** Layers whose wake is kept for later when cooldown or single-flight holds it back; z-score noise is not. */
const DEFERRABLE: ReadonlySet<GateLayer> = new Set(["candle_close", "timer", "material", "review", "wake_condition", "watchdog", "manual"]);

function skip(state: GateState, why: GateSkip, reason: string = why): GateResult {
  return { verdict: { open: false, layer: null, reason, suppressed: false, skip: why }, state };
}

function removeCondition(list: WakeCondition[], id: string): WakeCondition[] {
  return list.filter((c) => c.id !== id);
}

/**
 * A layer fired: open unless a decision is in flight (single-flight) or the last wake was less than
 * `cooldownMs` ago. Manual wakes skip the cooldown but never the single-flight rule.
 */
function tryOpen(cfg: GateConfig, state: GateState, layer: GateLayer, reason: string, now: number, decisionId: string): GateResult {
  let holdReason: string | null = null;
  if (state.inFlight) {
    holdReason = `single-flight: decision ${state.inFlight.id} in flight since ${Math.round((now - state.inFlight.since) / 1000)} s`;
  } else if (layer !== "manual" && state.lastOpenAt !== null && now - state.lastOpenAt < cfg.cooldownMs) {
    holdReason = `cooldown: ${Math.round((now - state.lastOpenAt) / 1000)} s since last wake (min ${Math.round(cfg.cooldownMs / 1000)} s)`;
  }
  if (holdReason !== null) {
    const verdict: GateVerdict = { open: false, layer, reason: `${reason}; held by ${holdReason}`, suppressed: true };
    if (DEFERRABLE.has(layer) && state.pending === null) {
      return { verdict, state: gateState(state, { pending: { layer, reason, since: now } }) };
    }
    return { verdict, state };
  }
  return {
    verdict: { open: true, layer, reason, suppressed: false },
    state: gateState(state, { lastOpenAt: now, inFlight: { id: decisionId, since: now }, nextCheckAt: null, pending: null }),
  };
}

/** Fires a held-back wake once nothing holds it any more. */
function tryPending(cfg: GateConfig, state: GateState, now: number, decisionId: string): GateResult | null {
  const p = state.pending;
  if (p === null || state.inFlight !== null || (p.notBefore !== undefined && now < p.notBefore)) return null;
  if (p.layer !== "manual" && state.lastOpenAt !== null && now - state.lastOpenAt < cfg.cooldownMs) return null;
  return tryOpen(cfg, state, p.layer, `deferred ${p.layer}: ${p.reason}`, now, decisionId);
}

function timerDue(state: GateState, now: number): boolean {
  return state.nextCheckAt !== null && now >= state.nextCheckAt;
}

function timerReason(state: GateState, now: number): string {
  return `decider timer due (set for ${new Date(state.nextCheckAt!).toISOString()}, ${Math.round((now - state.nextCheckAt!) / 1000)} s late)`;
}

/**
 * True when this tick can change nothing: no timer due, no wake
 * condition of the symbol met or tracking crossings, nothing held back. The common case, checked
 * without allocating.
 */
export function isQuietTick(cfg: GateConfig, state: GateState, e: TickEvent, now: number): boolean {
  if (state.pending !== null) return false;
  if (state.nextCheckAt !== null && now >= state.nextCheckAt) return false;
  const conditions = state.wakeConditions;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (c.symbol !== e.symbol) continue;
    if (c.operator === "crosses_above" || c.operator === "crosses_below") return false;
    if (isConditionMet(c, conditionValue(c, e))) return false;
  }
  return true;
}

/**
 * The gate for one tick, the hot path. Returns null for a quiet tick (no layer fired, state
 * unchanged) so the common case allocates nothing; `evaluateGate` turns that into a skip verdict.
 */
export function evaluateTick(cfg: GateConfig, state: GateState, e: TickEvent, now: number, id: string): GateResult | null {
  if (isQuietTick(cfg, state, e, now)) return null;
  let conditions = state.wakeConditions;
  let fired: WakeCondition | null = null;
  let firedValue = 0;
  if (conditions.length > 0) {
    const i = firstMetCondition(conditions, e.symbol, e);
    if (i >= 0) {
      fired = conditions[i]!;
      firedValue = conditionValue(fired, e);
    }
    conditions = advanceCrossings(conditions, e.symbol, e);
  }
  let layer: GateLayer | null = null;
  let reason = "";
  if (timerDue(state, now)) {
    layer = "timer";
    reason = timerReason(state, now);
  } else if (fired !== null) {
    layer = "wake_condition";
    reason = `wake condition ${describeCondition(fired, firedValue)}`;
  }
  if (layer === null) {
    const next = conditions === state.wakeConditions ? state : gateState(state, { wakeConditions: conditions });
    return tryPending(cfg, next, now, id) ?? { verdict: NO_LAYER, state: next };
  }
  if (fired !== null) {
    conditions = removeCondition(conditions, fired.id);
    if (layer !== "wake_condition") reason += `; also met: ${describeCondition(fired, firedValue)}`;
  }
  const next = conditions === state.wakeConditions ? state : gateState(state, { wakeConditions: conditions });
  return tryOpen(cfg, next, layer, reason, now, id);
}

/**
 * True when a decision-timeframe close at `closeTime` is already covered: a decision opened at or after
 * it saw every ticker's candle (they all close together). The gate skips such a close, state unchanged.
 */
export function isCloseCovered(state: GateState, closeTime: number): boolean {
  return state.lastOpenAt !== null && closeTime <= state.lastOpenAt;
}

const MAX_REVIEWS_KEPT = 50;

/**
 * A position's review. At risk, it wakes the decider once (every decision looks at every open position); it asks
 * again only after it was calm at a review and `reviewWakeCooldownMs` has passed since it last asked.
 */
function positionReview(cfg: GateConfig, state: GateState, e: { positionId: string; symbol: string; risk: string | null }, now: number, decisionId: string): GateResult {
  const asked = state.reviewAsked[e.positionId];
  if (e.risk === null) {
    if (asked === undefined || asked.calm) return skip(state, "position not at risk");
    return skip(gateState(state, { reviewAsked: { ...state.reviewAsked, [e.positionId]: { at: asked.at, calm: true } } }), "position not at risk");
  }
  if (asked !== undefined && (!asked.calm || now - asked.at < cfg.reviewWakeCooldownMs)) {
    const why = asked.calm ? `asked ${Math.round((now - asked.at) / 60_000)} min ago (at most one per ${Math.round(cfg.reviewWakeCooldownMs / 60_000)} min)` : "still at risk since it was asked";
    return skip(state, "review recently asked", `review of ${e.positionId}: ${why}`);
  }
  const kept = Object.entries(state.reviewAsked)
    .filter(([id, a]) => id !== e.positionId && !(a.calm && now - a.at >= cfg.reviewWakeCooldownMs))
    .sort((x, y) => y[1].at - x[1].at)
    .slice(0, MAX_REVIEWS_KEPT - 1);
  const reviewAsked = Object.fromEntries([[e.positionId, { at: now, calm: false }], ...kept]);
  const reason = `position ${e.positionId} (${e.symbol}) at risk: ${e.risk}`;
  // Another wake already held (a material move gathering): the review goes with it, under its layer, so a decision
  // that is also about entries is never paid from the reviews' share.
  const held = state.pending;
  if (held !== null && held.layer !== "review") return tryOpen(cfg, gateState(state, { reviewAsked }), held.layer, `deferred ${held.layer}: ${held.reason}; ${reason}`, now, decisionId);
  return tryOpen(cfg, gateState(state, { reviewAsked }), "review", reason, now, decisionId);
}

/**
 * The AdaptiveGate: decides whether an event wakes the decider. Pure: `now` is the engine clock and
 * `decisionId` names the decision that an opening verdict starts.
 */
export function evaluateGate(cfg: GateConfig, state: GateState, event: GateEvent, now: number, decisionId: string): GateResult {
  switch (event.kind) {
    case "tick":
      return evaluateTick(cfg, state, event, now, decisionId) ?? { verdict: NO_LAYER, state };
    case "candle_close":
      if (event.tf !== cfg.decisionTimeframe) {
        return skip(state, "not the decision timeframe", `${event.tf} close is not the decision timeframe (${cfg.decisionTimeframe})`);
      }
      if (isCloseCovered(state, event.closeTime)) {
        return skip(state, "close already covered", `${event.symbol} ${event.tf} close already covered by the decision at ${new Date(state.lastOpenAt!).toISOString()}`);
      }
      return tryOpen(cfg, state, "candle_close", `${event.symbol} ${event.tf} candle closed at ${new Date(event.closeTime).toISOString()}`, now, decisionId);
    case "material": {
      const m = event.move;
      // A decision opened at or after the move saw it: the moves of one market swing across symbols make one call.
      if (state.lastOpenAt !== null && m.at <= state.lastOpenAt) {
        return skip(state, "move already covered", `${m.kind} on ${m.symbol} already covered by the decision at ${new Date(state.lastOpenAt).toISOString()}`);
      }
      const seen = state.decidedPrices[m.symbol];
      if (m.kind === "return_shock" && seen !== undefined && m.price !== undefined && m.sigma) {
        const since = Math.log(m.price / seen) / m.sigma;
        if (Math.abs(since) < cfg.material.shockSigma) {
          return skip(state, "move already decided", `${m.symbol} shock already decided: ${since.toFixed(1)} σ from the price of the last decision (${seen})`);
        }
      }
      const reason = `material move (${m.kind}): ${m.detail}`;
      if (cfg.materialGatherMs > 0) {
        // Moves come together (one swing shows on every symbol within minutes): the first waits for the others, so
        // they make one decision. A wake already held gathers it as it is.
        const held = state.pending;
        if (held !== null) {
          // A held review becomes a material wake: the decision is for entries too, and is paid from their share.
          const next = held.layer === "review" ? gateState(state, { pending: { layer: "material", reason: `${reason}; with ${held.reason}`, since: held.since } }) : state;
          return { verdict: { open: false, layer: "material", reason: `${reason}; joins the wake already held (${held.layer})`, suppressed: true }, state: next };
        }
        const pending = { layer: "material" as const, reason, since: now, notBefore: now + cfg.materialGatherMs };
        return {
          verdict: { open: false, layer: "material", reason: `${reason}; held ${Math.round(cfg.materialGatherMs / 1000)} s to gather the moves that come with it`, suppressed: true },
          state: gateState(state, { pending }),
        };
      }
      return tryOpen(cfg, state, "material", reason, now, decisionId);
    }
    case "position_review":
      return positionReview(cfg, state, event, now, decisionId);
    case "timer":
      if (timerDue(state, now)) return tryOpen(cfg, state, "timer", timerReason(state, now), now, decisionId);
      return tryPending(cfg, state, now, decisionId) ?? skip(state, state.nextCheckAt === null ? "no decider timer set" : "decider timer not due");
    case "watchdog": {
      const silentFor = event.silentForMs;
      if (silentFor !== null && silentFor < cfg.watchdogMs) {
        return tryPending(cfg, state, now, decisionId) ?? skip(state, "watchdog: ticks recent", `watchdog: last tick ${Math.round(silentFor / 1000)} s ago`);
      }
      const why = silentFor === null ? "no tick received yet" : `no tick for ${Math.round(silentFor / 1000)} s`;
      return tryOpen(cfg, state, "watchdog", `watchdog: ${why}, forcing a check`, now, decisionId);
    }
    case "manual":
      return tryOpen(cfg, state, "manual", `manual wake: ${event.reason}`, now, decisionId);
  }
}
