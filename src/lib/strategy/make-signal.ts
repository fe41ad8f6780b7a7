import type { Signal, SignalAction, StrategyContext } from "./strategy";

export type SignalMetadata = Signal["metadata"];

export type MakeSignal = (action: SignalAction, confidence: number, reason: string, metadata?: SignalMetadata) => Signal;

/**
 * The signal constructor of one strategy for one context: stamps name, symbol and `at = ctx.now`,
 * clamps confidence into [0, 1] (a non-finite one becomes 0) and gives PASS confidence 0.
 */
export function signalMaker(strategy: string, ctx: Pick<StrategyContext, "symbol" | "now">): MakeSignal {
  return (action, confidence, reason, metadata = {}) => ({
    strategy,
    symbol: ctx.symbol,
    action,
    confidence: action === "PASS" || !Number.isFinite(confidence) ? 0 : Math.min(1, Math.max(0, confidence)),
    reason,
    metadata,
    at: ctx.now,
  });
}
