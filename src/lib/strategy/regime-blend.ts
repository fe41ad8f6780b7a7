import type { RegimeBlendConfig } from "../config";
import type { Candle } from "../market/candle";
import { regimeBlendOutcome } from "./regime-blend-rule";
import type { StrategySignal } from "./signal";

export const REGIME_BLEND = "regime-blend";

/**
 * The regime blend in the rule decider's BUY/SELL/HOLD terms: an entry rule is BUY, an exit rule
 * SELL, nothing HOLD. The rules themselves live in `regimeBlendOutcome`, shared with the registry strategy.
 */
export function regimeBlendSignal(candles: readonly Candle[], cfg: RegimeBlendConfig): StrategySignal {
  const o = regimeBlendOutcome(candles, cfg);
  const action = o.rule === null ? "HOLD" : o.rule.endsWith("entry") ? "BUY" : "SELL";
  return { strategy: REGIME_BLEND, action, confidence: action === "HOLD" ? 0 : o.confidence, reason: o.reason, indicators: o.indicators };
}
