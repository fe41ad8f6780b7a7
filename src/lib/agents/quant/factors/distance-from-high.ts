import type { Candle } from "../../../market/candle";

/**
 * Distance from the `period`-day high: close / (highest high of the last `period` candles, this one
 * included) − 1, in (−1, 0]; the "52-week high" factor. Null until `period` candles exist.
 */
export function distanceFromHigh(candles: readonly Candle[], period = 252): (number | null)[] {
  const out: (number | null)[] = [];
  const window: number[] = []; // indexes of candles with decreasing highs (monotonic deque)
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    while (window.length > 0 && candles[window[window.length - 1]!]!.h <= c.h) window.pop();
    window.push(i);
    if (window[0]! <= i - period) window.shift();
    out.push(i < period - 1 ? null : c.c / candles[window[0]!]!.h - 1);
  }
  return out;
}
