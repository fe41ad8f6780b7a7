import type { MacroRegimeResult } from "./macro-regime";
import { MACRO_MULTIPLIERS } from "./macro-regime";
import { clamp01 } from "./margin";
import type { TrendRegimeResult } from "./trend-regime";
import type { CombinedRegime, HmmReading } from "./types";
import type { VolatilityRegimeResult } from "./volatility-regime";

export interface CombineRegimeInput {
  trend: TrendRegimeResult;
  volatility: VolatilityRegimeResult;
  hmm?: HmmReading | null;
  macro?: MacroRegimeResult | null;
  now: number;
}

/** How far the HMM's probability is above a uniform guess, in [0, 1]. */
function hmmMargin(h: HmmReading): number {
  return h.states > 1 ? clamp01((h.probability - 1 / h.states) / (1 - 1 / h.states)) : 1;
}

/**
 * One regime from the parts. The learner keys on the trend state; confidence is the mean margin of
 * the parts present (trend, volatility, the HMM when fitted, the macro quadrant when known).
 */
export function combineRegime({ trend, volatility, hmm = null, macro = null, now }: CombineRegimeInput): CombinedRegime {
  const quadrant = macro?.quadrant ?? "UNKNOWN";
  const multipliers = macro ?? MACRO_MULTIPLIERS.UNKNOWN;
  const margins = [trend.margin, volatility.margin];
  if (hmm) margins.push(hmmMargin(hmm));
  if (macro && quadrant !== "UNKNOWN") margins.push(macro.margin);
  const confidence = margins.reduce((s, m) => s + m, 0) / margins.length;
  return {
    trend: trend.state,
    volatility: volatility.state,
    hmmState: hmm?.state ?? null,
    hmmStates: hmm?.states ?? null,
    macro: quadrant,
    exposureScale: multipliers.exposureScale,
    trailMultiplier: multipliers.trailMultiplier,
    learnerKey: trend.state,
    confidence,
    inputs: {
      close: trend.close,
      efficiencyRatio: trend.efficiencyRatio,
      trendingAt: trend.params.trendingAt,
      movingAverage: trend.movingAverage,
      maDistance: trend.distance,
      maBand: trend.params.band,
      trendMargin: trend.margin,
      realizedVol: volatility.realizedVol,
      volPercentile: volatility.percentile,
      volMethod: volatility.method,
      volMargin: volatility.margin,
      hmmProbability: hmm?.probability ?? null,
      growthSlope: macro?.growthSlope ?? null,
      inflationSlope: macro?.inflationSlope ?? null,
      macroMargin: macro?.margin ?? null,
    },
    at: now,
  };
}
