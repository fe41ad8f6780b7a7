import { z } from "zod";

/**
 * How an entry is sized, as a fraction of equity (its notional over equity):
 * - `fixed`: the fraction the decider asked for, capped by `risk.maxPositionPct` (the engine's first rule);
 * - `volatility`: the fraction whose loss at the position's stop is `riskPerTradePct` of equity, so a wide
 *   (volatile) stop gives a small position and a tight one a larger one;
 * - `kelly`: `kellyFraction` of the Kelly fraction W − (1 − W)/R from the learner's win rate W and payoff R in
 *   the entry's regime, capped at `kellyCap`; until the regime has `kellyMinTrades` closed trades, `fixed`.
 */
export const SizingConfigSchema = z.object({
  mode: z.enum(["fixed", "volatility", "kelly"]).default("fixed"),
  /** `volatility`: the share of equity lost if the stop is hit. */
  riskPerTradePct: z.number().positive().max(0.1).default(0.01),
  /** `kelly`: the share of full Kelly taken (the seeds' quarter Kelly). */
  kellyFraction: z.number().positive().max(1).default(0.25),
  /** `kelly`: the largest fraction of equity Kelly may ask for. */
  kellyCap: z.number().positive().max(1).default(0.2),
  /** `kelly`: closed trades the regime needs before its statistics size anything. */
  kellyMinTrades: z.number().int().min(1).default(20),
});
export type SizingConfig = z.infer<typeof SizingConfigSchema>;

/** The learner's record of closed trades in one regime: what Kelly reads. */
export interface TradeEdge {
  trades: number;
  /** Share of trades that made money. */
  winRate: number;
  /** Mean gain of a winning trade over the mean loss of a losing one (both as returns, positive); null without both. */
  payoff: number | null;
}

export interface SizingInput {
  /** The fraction of equity the decider asked for. */
  askPct: number;
  /** The largest fraction any entry may take (`risk.maxPositionPct`). */
  maxPct: number;
  /** The position's stop distance as a fraction of the entry price (where the hard stop closes it). */
  stopPct: number;
  /** The learner's record in the entry's regime, when there is one. */
  edge: TradeEdge | null;
}

export type Sizing = { ok: true; pct: number; detail: string } | { ok: false; reason: string };

const pctText = (x: number) => `${(x * 100).toFixed(2)}%`;
/** A record's payoff ratio as text: there is none until a trade lost. */
const payoffText = (edge: TradeEdge) => (edge.payoff === null ? "n/a: no losing trade" : edge.payoff.toFixed(2));

/** The Kelly fraction W − (1 − W)/R of a record; negative when the record has no edge. */
export function kellyFraction(edge: TradeEdge): number {
  if (edge.payoff === null || !(edge.payoff > 0)) return edge.winRate >= 1 ? 1 : -1;
  return edge.winRate - (1 - edge.winRate) / edge.payoff;
}

/** The fraction of equity an entry takes under `cfg`, never above `maxPct`, or why it takes none. */
export function sizeEntry(cfg: SizingConfig, input: SizingInput): Sizing {
  const fixed = Math.min(input.askPct, input.maxPct);
  if (cfg.mode === "fixed") return { ok: true, pct: fixed, detail: "fixed fraction" };
  if (cfg.mode === "volatility") {
    if (!(input.stopPct > 0)) return { ok: false, reason: `volatility sizing needs a stop distance, got ${input.stopPct}` };
    const target = cfg.riskPerTradePct / input.stopPct;
    const pct = Math.min(target, input.maxPct);
    return { ok: true, pct, detail: `volatility target: ${pctText(cfg.riskPerTradePct)} of equity at a ${pctText(input.stopPct)} stop${pct < target ? ` (capped at ${pctText(input.maxPct)})` : ""}` };
  }
  const edge = input.edge;
  if (edge === null || edge.trades < cfg.kellyMinTrades) {
    return { ok: true, pct: fixed, detail: `fixed fraction: Kelly waits for ${cfg.kellyMinTrades} trades in the regime (${edge?.trades ?? 0} so far)` };
  }
  const full = kellyFraction(edge);
  if (!(full > 0)) return { ok: false, reason: `Kelly finds no edge: win rate ${pctText(edge.winRate)}, payoff ${payoffText(edge)} over ${edge.trades} trades` };
  const pct = Math.min(cfg.kellyFraction * full, cfg.kellyCap, input.maxPct);
  return { ok: true, pct, detail: `${cfg.kellyFraction} Kelly of ${pctText(full)} (win rate ${pctText(edge.winRate)}, payoff ${payoffText(edge)}, ${edge.trades} trades)` };
}
