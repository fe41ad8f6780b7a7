import type { Candle } from "../../../market/candle";

const K = 2 * Math.LN2 - 1;

/**
 * Garman–Klass volatility per day over `period` candles: √(mean of ½·ln(h/l)² − (2 ln 2 − 1)·ln(c/o)²),
 * an OHLC estimator several times more efficient than close-to-close. Not annualised. Null for the
 * first period − 1 candles; a window whose mean variance is negative (possible, rare) gives 0.
 */
export function garmanKlassVolatility(candles: readonly Candle[], period = 20): (number | null)[] {
  const v = candles.map((c) => 0.5 * Math.log(c.h / c.l) ** 2 - K * Math.log(c.c / c.o) ** 2);
  return candles.map((_, i) => {
    if (i < period - 1) return null;
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += v[j]!;
    return Math.sqrt(Math.max(0, sum / period));
  });
}
