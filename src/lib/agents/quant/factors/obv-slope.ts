import type { Candle } from "../../../market/candle";

/**
 * On-balance-volume slope: OBV adds the candle's volume when the close rose and subtracts it when it
 * fell; the least-squares slope of the last `period` OBV values against 0..period−1, divided by the
 * mean volume of those candles, is the net share of the average day's volume flowing in per day
 * (scale-free, so assets of any volume compare). OBV's level depends on where the history starts, its
 * slope does not. Null for the first period − 1 candles; 0 when the window traded nothing.
 */
export function obvSlope(candles: readonly Candle[], period = 20): (number | null)[] {
  const obv: number[] = [];
  let level = 0;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    const prev = candles[i - 1];
    if (prev !== undefined) level += c.c > prev.c ? c.v : c.c < prev.c ? -c.v : 0;
    obv.push(level);
  }
  const xMean = (period - 1) / 2;
  let sxx = 0;
  for (let x = 0; x < period; x++) sxx += (x - xMean) ** 2;
  return candles.map((_, i) => {
    if (i < period - 1) return null;
    let yMean = 0;
    let vMean = 0;
    for (let j = i - period + 1; j <= i; j++) {
      yMean += obv[j]!;
      vMean += candles[j]!.v;
    }
    yMean /= period;
    vMean /= period;
    let sxy = 0;
    for (let x = 0; x < period; x++) sxy += (x - xMean) * (obv[i - period + 1 + x]! - yMean);
    return vMean > 0 ? sxy / sxx / vMean : 0;
  });
}
