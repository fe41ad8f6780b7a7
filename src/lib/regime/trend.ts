import { lastEfficiencyRatio } from "../market/indicators/efficiency-ratio";

export type TrendRegime = "trending" | "ranging";

export interface TrendClassification {
  regime: TrendRegime;
  efficiencyRatio: number | null;
  reason: string;
}

/**
 * Trending vs ranging by Kaufman's efficiency ratio of the closes: net move over path length. A
 * market that travels efficiently (ER at or above the threshold) trends; a choppy one ranges.
 */
export function classifyTrend(closes: readonly number[], period: number, trendingAt: number): TrendClassification {
  if (closes.length <= period) return { regime: "ranging", efficiencyRatio: null, reason: `only ${closes.length} closes, need ${period + 1}: assume ranging` };
  const er = lastEfficiencyRatio(closes, period);
  if (er === null) return { regime: "ranging", efficiencyRatio: null, reason: "efficiency ratio not ready: assume ranging" };
  const regime: TrendRegime = er >= trendingAt ? "trending" : "ranging";
  return { regime, efficiencyRatio: er, reason: `efficiency ratio ${er.toFixed(3)} ${regime === "trending" ? ">=" : "<"} ${trendingAt}` };
}
