import type { TradeAction } from "../decide/decision";

/** What a strategy says about one market at one time, with the numbers behind it. */
export interface StrategySignal {
  strategy: string;
  action: TradeAction;
  confidence: number;
  reason: string;
  indicators: Record<string, number | string | null>;
}
