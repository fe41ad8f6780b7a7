import { z } from "zod";
import { MarketSymbolSchema } from "../config";

/**
 * BUY opens a long, SHORT a short (futures with shorts only), CARRY the funding carry (spot long + perpetual short of
 * equal notional, futures with shorts only), SELL closes whatever the ticker holds (both legs of a carry), HOLD does nothing.
 */
export const TradeActionSchema = z.enum(["BUY", "SELL", "HOLD", "SHORT", "CARRY"]);
export type TradeAction = z.infer<typeof TradeActionSchema>;

export const TradeDecisionSchema = z.object({
  ticker: MarketSymbolSchema,
  action: TradeActionSchema,
  position_pct: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1),
  reasoning: z.string().max(4000),
  signal_weights: z.record(z.string(), z.number()).default({}),
});
export type TradeDecision = z.infer<typeof TradeDecisionSchema>;

export const WakeConditionRequestSchema = z.object({
  symbol: MarketSymbolSchema,
  metric: z.enum(["price", "zRet", "zVol"]),
  operator: z.enum(["gt", "lt", "crosses_above", "crosses_below", "abs_change_pct_gt"]),
  threshold: z.number().finite(),
  reason: z.string().max(500),
});

/** What a decider answers for one snapshot. */
export const DecisionSchema = z.object({
  decisions: z.array(TradeDecisionSchema),
  market_assessment: z.string().max(2000),
  next_check_seconds: z.number().finite(),
  wake_conditions: z.array(WakeConditionRequestSchema).default([]),
  memory_update: z.string().max(500).nullable().default(null),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** What Claude may answer: like a Decision, but an over-long memory is truncated (a clamp), not refused. */
export const ModelDecisionSchema = DecisionSchema.extend({
  memory_update: z.string().max(20_000).nullable().default(null),
});

export const PositionVerdictSchema = z.enum(["HOLD", "EXIT", "ADD"]);
export type PositionVerdict = z.infer<typeof PositionVerdictSchema>;

/** Whether an action opens a position (a long, a short or a carry). */
export function opensPosition(action: TradeAction): action is "BUY" | "SHORT" | "CARRY" {
  return action === "BUY" || action === "SHORT" || action === "CARRY";
}

/** A decision's actions in the order they are executed: SELLs first, so exits free cash and room for the entries. */
export function executionOrder(decision: Decision): TradeDecision[] {
  return [...decision.decisions].sort((a, b) => (a.action === "SELL" ? 0 : 1) - (b.action === "SELL" ? 0 : 1));
}
