import type { Candle } from "../../market/candle";
import { DAY_MS } from "./options";

export type CandlesBySymbol = Readonly<Record<string, readonly Candle[]>>;

/**
 * Point in time: each symbol's daily candles that had closed by `asOf` (open time + 1 day ≤ asOf).
 * Candles must be oldest first; the cut is a binary search, and the arrays are sliced, not copied deep.
 */
export function closedBy(candlesBySymbol: CandlesBySymbol, asOf: number): Record<string, Candle[]> {
  const out: Record<string, Candle[]> = {};
  for (const [symbol, candles] of Object.entries(candlesBySymbol)) {
    let lo = 0;
    let hi = candles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (candles[mid]!.t + DAY_MS <= asOf) lo = mid + 1;
      else hi = mid;
    }
    out[symbol] = candles.slice(0, lo);
  }
  return out;
}
