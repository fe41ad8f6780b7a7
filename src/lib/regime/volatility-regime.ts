import { realizedVolatility } from "../market/indicators/realized-volatility";
import { clamp01 } from "./margin";
import type { VolatilityState } from "./types";

export interface VolatilityRegimeParams {
  /** Log returns per realized-volatility window. */
  period: number;
  /** Annualisation factor (365 for daily crypto candles). */
  periodsPerYear: number;
  /** "percentile": against the series' own recent history; "fixed": against the absolute thresholds. */
  method: "percentile" | "fixed";
  /** How many earlier realized-volatility values the percentile ranks the current one among. */
  lookback: number;
  /** Fewer earlier values than this and the percentile method falls back to the fixed thresholds. */
  minHistory: number;
  calmPercentile: number;
  volatilePercentile: number;
  /** Annualised volatility thresholds of the fixed method (and the fallback). */
  calmBelow: number;
  volatileAbove: number;
}

/**
 * Defaults for daily crypto: percentile method over the last year, calm below the 33rd percentile,
 * volatile above the 67th. The fixed fallback (40 % / 80 % annualised) brackets BTC's usual range.
 */
export const DEFAULT_VOLATILITY_REGIME_PARAMS: VolatilityRegimeParams = {
  period: 20,
  periodsPerYear: 365,
  method: "percentile",
  lookback: 365,
  minHistory: 60,
  calmPercentile: 0.33,
  volatilePercentile: 0.67,
  calmBelow: 0.4,
  volatileAbove: 0.8,
};

export interface VolatilityRegimeResult {
  state: VolatilityState;
  /** Annualised realized volatility of the last `period` log returns. */
  realizedVol: number | null;
  /** Share of the earlier values below the current one (ties, within 1e-9 relative, count half); null for the fixed method. */
  percentile: number | null;
  method: "percentile" | "fixed";
  /** In [0, 1]: distance past the threshold of the chosen state (middle band: to the nearer edge). */
  margin: number;
  reason: string;
  params: VolatilityRegimeParams;
}

function bucket(v: number, calm: number, volatile: number, top: number): { state: VolatilityState; margin: number } {
  if (v < calm) return { state: "calm", margin: clamp01((calm - v) / calm) };
  if (v > volatile) return { state: "volatile", margin: clamp01((v - volatile) / (top - volatile)) };
  const half = (volatile - calm) / 2;
  return { state: "normal", margin: half > 0 ? clamp01(Math.min(v - calm, volatile - v) / half) : 0 };
}

/** Calm / normal / volatile from realized volatility of the closes (oldest first). */
export function volatilityRegime(closes: readonly number[], params: Partial<VolatilityRegimeParams> = {}): VolatilityRegimeResult {
  const p = { ...DEFAULT_VOLATILITY_REGIME_PARAMS, ...params };
  const series = realizedVolatility(closes, p.period, p.periodsPerYear);
  const rv = series.at(-1) ?? null;
  if (rv === null) {
    return { state: "normal", realizedVol: null, percentile: null, method: p.method, margin: 0, reason: `only ${closes.length} closes, need ${p.period + 1}: assume normal`, params: p };
  }
  const history = series
    .slice(0, -1)
    .slice(-p.lookback)
    .filter((v): v is number => v !== null);
  if (p.method === "percentile" && history.length >= p.minHistory) {
    // Values within rounding noise of the current one are ties: the rolling sums differ in the last bits.
    const eps = 1e-9 * rv;
    let below = 0;
    let equal = 0;
    for (const v of history)
      if (v < rv - eps) below++;
      else if (v <= rv + eps) equal++;
    const percentile = (below + equal / 2) / history.length;
    const { state, margin } = bucket(percentile, p.calmPercentile, p.volatilePercentile, 1);
    const reason = `realized vol ${(rv * 100).toFixed(1)}% at percentile ${percentile.toFixed(2)} among the previous ${history.length}`;
    return { state, realizedVol: rv, percentile, method: "percentile", margin, reason, params: p };
  }
  // Twice the volatile threshold counts as fully volatile for the margin.
  const { state, margin } = bucket(rv, p.calmBelow, p.volatileAbove, 2 * p.volatileAbove);
  const why = p.method === "percentile" ? ` (only ${history.length} earlier values, fixed thresholds)` : "";
  const reason = `realized vol ${(rv * 100).toFixed(1)}% vs ${p.calmBelow * 100}%/${p.volatileAbove * 100}%${why}`;
  return { state, realizedVol: rv, percentile: null, method: "fixed", margin, reason, params: p };
}
