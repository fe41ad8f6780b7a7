import { sma } from "../market/indicators/sma";
import { clamp01 } from "./margin";
import { classifyTrend } from "./trend";
import type { TrendState } from "./types";

export interface TrendRegimeParams {
  /** Efficiency-ratio lookback in candles. */
  erPeriod: number;
  /** Trending when the efficiency ratio is at or above this. */
  trendingAt: number;
  /** Simple moving average period the close is compared with. */
  maPeriod: number;
  /** The close must be more than this fraction above (below) the MA to trend up (down). */
  band: number;
}

export const DEFAULT_TREND_REGIME_PARAMS: TrendRegimeParams = { erPeriod: 14, trendingAt: 0.3, maPeriod: 50, band: 0.02 };

export interface TrendRegimeResult {
  state: TrendState;
  efficiencyRatio: number | null;
  movingAverage: number | null;
  close: number | null;
  /** close / MA − 1. */
  distance: number | null;
  /** In [0, 1]: how far the deciding input(s) sit past their thresholds. */
  margin: number;
  reason: string;
  params: TrendRegimeParams;
}

/**
 * trending_up / trending_down when the efficiency ratio says the market travels efficiently AND the
 * last close is beyond the band around its SMA on that side; ranging otherwise, including when there
 * are too few closes. Margin: both conditions must hold to trend, so the smaller of the two; either
 * one suffices to range, so the larger of the failing ones.
 */
export function trendRegime(closes: readonly number[], params: Partial<TrendRegimeParams> = {}): TrendRegimeResult {
  const p = { ...DEFAULT_TREND_REGIME_PARAMS, ...params };
  const need = Math.max(p.erPeriod + 1, p.maPeriod);
  const close = closes.at(-1) ?? null;
  if (closes.length < need || close === null) {
    return { state: "ranging", efficiencyRatio: null, movingAverage: null, close, distance: null, margin: 0, reason: `only ${closes.length} closes, need ${need}: assume ranging`, params: p };
  }
  const er = classifyTrend(closes, p.erPeriod, p.trendingAt).efficiencyRatio;
  const ma = sma(closes.slice(-p.maPeriod), p.maPeriod).at(-1) ?? null;
  if (er === null || ma === null || !(ma > 0)) {
    return { state: "ranging", efficiencyRatio: er, movingAverage: ma, close, distance: null, margin: 0, reason: "indicators not ready: assume ranging", params: p };
  }
  const distance = close / ma - 1;
  const efficient = er >= p.trendingAt;
  const beyond = Math.abs(distance) > p.band;
  const erMargin = efficient ? clamp01(p.trendingAt < 1 ? (er - p.trendingAt) / (1 - p.trendingAt) : 1) : clamp01((p.trendingAt - er) / p.trendingAt);
  const distMargin = beyond ? clamp01(p.band > 0 ? (Math.abs(distance) - p.band) / p.band : 1) : clamp01((p.band - Math.abs(distance)) / p.band);
  const facts = `ER ${er.toFixed(3)} ${efficient ? ">=" : "<"} ${p.trendingAt}, close ${(distance * 100).toFixed(2)}% from SMA${p.maPeriod} (band ${(p.band * 100).toFixed(2)}%)`;
  const base = { efficiencyRatio: er, movingAverage: ma, close, distance, params: p };
  if (efficient && beyond) {
    return { ...base, state: distance > 0 ? "trending_up" : "trending_down", margin: Math.min(erMargin, distMargin), reason: facts };
  }
  const margin = !efficient && !beyond ? Math.max(erMargin, distMargin) : efficient ? distMargin : erMargin;
  return { ...base, state: "ranging", margin, reason: facts };
}
