import type { Candle } from "../market/candle";
import { TIMEFRAME_MS, type Timeframe } from "../market/timeframe";
import type { StrategyContext } from "./strategy";

/**
 * The candles of `tf` in the context that had closed by `ctx.now` (open time + length ≤ now), oldest
 * first. The engine passes point-in-time data already; this guards against a still-open or later candle.
 */
export function closedCandles(ctx: Pick<StrategyContext, "candles" | "now">, tf: Timeframe): readonly Candle[] {
  const all = ctx.candles[tf] ?? [];
  const ms = TIMEFRAME_MS[tf];
  let end = all.length;
  while (end > 0 && all[end - 1]!.t + ms > ctx.now) end--;
  return end === all.length ? all : all.slice(0, end);
}
