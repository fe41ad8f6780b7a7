import type { GateConfig } from "../config";
import { gateState, wakeCondition, type GateState, type WakeCondition, type WakeMetric, type WakeOperator } from "./types";

export interface WakeConditionRequest {
  symbol: string;
  metric: WakeMetric;
  operator: WakeOperator;
  threshold: number;
  reason: string;
}

export interface DecisionOutcome {
  decisionId: string;
  nextCheckSeconds: number;
  wakeConditions: WakeConditionRequest[];
  /** Current price per symbol, the reference of abs_change_pct_gt price conditions. */
  prices: Record<string, number>;
}

export function clampNextCheckSeconds(cfg: GateConfig, seconds: number): number {
  if (!Number.isFinite(seconds)) return cfg.defaultNextCheckSeconds;
  return Math.min(cfg.maxNextCheckSeconds, Math.max(cfg.minNextCheckSeconds, Math.round(seconds)));
}

/**
 * Ends the in-flight decision: sets the decider's timer and replaces its wake conditions.
 * Idempotent: completing a decision that is not the one in flight changes nothing.
 */
export function completeDecision(cfg: GateConfig, state: GateState, outcome: DecisionOutcome, now: number): GateState {
  if (state.inFlight?.id !== outcome.decisionId) return state;
  const conditions: WakeCondition[] = outcome.wakeConditions.slice(0, cfg.maxWakeConditions).map((w, i) =>
    wakeCondition({
      ...w,
      id: `${outcome.decisionId}:${i}`,
      reference: w.metric === "price" ? (outcome.prices[w.symbol] ?? null) : null,
      last: null,
    }),
  );
  return gateState(state, {
    inFlight: null,
    nextCheckAt: now + clampNextCheckSeconds(cfg, outcome.nextCheckSeconds) * 1000,
    wakeConditions: conditions,
    decidedPrices: { ...state.decidedPrices, ...outcome.prices },
  });
}

/** Ends the in-flight decision without an answer: keeps the conditions, retries after the default interval. */
export function failDecision(cfg: GateConfig, state: GateState, decisionId: string, now: number): GateState {
  if (state.inFlight?.id !== decisionId) return state;
  return gateState(state, { inFlight: null, nextCheckAt: now + cfg.defaultNextCheckSeconds * 1000 });
}
