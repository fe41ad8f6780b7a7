import type { CombinedRegime, TrendState, VolatilityState } from "../regime/types";
import { activeScore, inactiveScore } from "./agent-score";
import type { AgentScore } from "./types";

export interface RegimeAgentParams {
  /** Offensive/defensive bias of each trend state. */
  trendBias: Record<TrendState, number>;
  /** Added to the trend bias: a volatile market pulls toward defence. */
  volatilityBias: Record<VolatilityState, number>;
  /** The macro quadrant's exposure scale adds macroWeight · (exposureScale − 1): GOLDILOCKS +0.1, STAGFLATION −0.2. */
  macroWeight: number;
}

export const REGIME_AGENT_DEFAULTS: RegimeAgentParams = {
  trendBias: { trending_up: 1, trending_down: -1, ranging: 0 },
  volatilityBias: { calm: 0, normal: 0, volatile: -0.5 },
  macroWeight: 0.5,
};

/**
 * The regime agent: a defensive/offensive bias from the combined regime (the seed's "regime bias from
 * the HMM state"). score = clamp(trendBias + volatilityBias + macroWeight·(exposureScale − 1), −1, 1)
 * · confidence, so trending_up is positive, trending_down negative, ranging about 0, volatile pulls
 * toward negative, and an unsure regime says little. Inactive when there is no regime.
 */
export function regimeAgent(symbol: string, regime: CombinedRegime | null, params: RegimeAgentParams = REGIME_AGENT_DEFAULTS): AgentScore {
  if (regime === null) return inactiveScore("regime", symbol, "no regime available");
  const trend = params.trendBias[regime.trend];
  const volatility = params.volatilityBias[regime.volatility];
  const macro = params.macroWeight * (regime.exposureScale - 1);
  const confidence = Math.max(0, Math.min(1, regime.confidence));
  const bias = Math.max(-1, Math.min(1, trend + volatility + macro));
  const score = bias * confidence;
  const inputs = { trend: regime.trend, volatility: regime.volatility, macro: regime.macro, exposureScale: regime.exposureScale, confidence };
  const reason = `${regime.trend}/${regime.volatility}/${regime.macro}: bias ${bias.toFixed(3)} (trend ${trend}, volatility ${volatility}, macro ${macro.toFixed(3)}) × confidence ${confidence.toFixed(2)}`;
  return activeScore("regime", symbol, score, reason, inputs);
}
