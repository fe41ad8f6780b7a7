import type { Candle } from "./candle";
import { TIMEFRAME_MS, type Timeframe } from "./timeframe";

/**
 * The candles of `tf` that had closed by `now` (open time + length ≤ now), oldest first: the list
 * itself when its last candle has closed (so a window keeps its identity), else its closed prefix.
 */
export function closedBy(candles: readonly Candle[] | undefined, tf: Timeframe, now: number): readonly Candle[] {
  if (!candles) return [];
  const ms = TIMEFRAME_MS[tf];
  let end = candles.length;
  while (end > 0 && candles[end - 1]!.t + ms > now) end--;
  return end === candles.length ? candles : candles.slice(0, end);
}
