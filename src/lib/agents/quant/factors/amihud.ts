import type { Candle } from "../../../market/candle";

/**
 * Amihud illiquidity, log scale: ln of the mean over `period` days of |r| / (close · volume), the price
 * move per unit of quote (USDT) volume, with r the close-to-close return. The log tames its range
 * across assets and years. Null for the first `period` candles (each day needs the previous close);
 * a window with no move at all, or with no traded volume, gives null.
 */
export function amihudIlliquidity(candles: readonly Candle[], period = 20): (number | null)[] {
  const daily: (number | null)[] = candles.map((c, i) => {
    const prev = candles[i - 1];
    if (prev === undefined) return null;
    const quote = c.c * c.v;
    return quote > 0 ? Math.abs(c.c / prev.c - 1) / quote : null;
  });
  return candles.map((_, i) => {
    if (i < period) return null;
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const x = daily[j];
      if (x === null || x === undefined) return null;
      sum += x;
    }
    return sum > 0 ? Math.log(sum / period) : null;
  });
}
