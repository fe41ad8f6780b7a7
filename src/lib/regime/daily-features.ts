import type { Candle } from "../market/candle";
import { realizedVolatility } from "../market/indicators/realized-volatility";

export interface DailyFeatures {
  /** [log return, annualised realized volatility] per candle from index `volPeriod` on. */
  rows: number[][];
  /** Open time of the candle each row belongs to. */
  at: number[];
}

/** The HMM's raw features: each candle's close-to-close log return and the realized vol ending there. */
export function dailyRegimeFeatures(candles: readonly Candle[], volPeriod = 20, periodsPerYear = 365): DailyFeatures {
  const closes = candles.map((c) => c.c);
  const rv = realizedVolatility(closes, volPeriod, periodsPerYear);
  const rows: number[][] = [];
  const at: number[] = [];
  for (let i = volPeriod; i < candles.length; i++) {
    rows.push([Math.log(closes[i]! / closes[i - 1]!), rv[i]!]);
    at.push(candles[i]!.t);
  }
  return { rows, at };
}

/** Per-feature mean and population std, a zero std replaced by 1 so a constant feature maps to 0. */
export function featureScaling(rows: readonly (readonly number[])[]): { mean: number[]; std: number[] } {
  const D = rows[0]?.length ?? 0;
  const mean = Array.from({ length: D }, (_, d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length);
  const std = mean.map((m, d) => Math.sqrt(rows.reduce((s, r) => s + (r[d]! - m) ** 2, 0) / rows.length) || 1);
  return { mean, std };
}

export function applyScaling(rows: readonly (readonly number[])[], s: { mean: readonly number[]; std: readonly number[] }): number[][] {
  return rows.map((r) => r.map((v, d) => (v - s.mean[d]!) / s.std[d]!));
}
