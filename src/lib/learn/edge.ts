import type { TradeEdge } from "../risk/sizing";
import { regimeBucket } from "./posterior";
import type { LearnerState } from "./state";

/**
 * The learner's record of closed trades in `regime` as Kelly reads it: how many, the share that won, and the payoff
 * (mean winning return over mean losing |return|; null without a winner and a loser). Null for an unknown regime, or
 * one recorded before the learner kept these tallies.
 */
export function regimeEdge(state: LearnerState, regime: string | null): TradeEdge | null {
  const b = regimeBucket(state, regime);
  const n = b?.tallied ?? 0;
  if (!b || n === 0) return null;
  const wins = b.wins ?? 0;
  const losses = n - wins;
  const payoff = wins > 0 && losses > 0 && (b.loss ?? 0) > 0 ? (b.gain ?? 0) / wins / ((b.loss ?? 0) / losses) : null;
  return { trades: n, winRate: wins / n, payoff };
}

/** Every regime's record, by regime key (what the gate asks the learner for when Kelly sizes entries). */
export function regimeEdges(state: LearnerState): Record<string, TradeEdge> {
  const out: Record<string, TradeEdge> = {};
  for (const key of Object.keys(state.byRegime)) {
    const e = regimeEdge(state, key);
    if (e) Object.defineProperty(out, key, { value: e, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
