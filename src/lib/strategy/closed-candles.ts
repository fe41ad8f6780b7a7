import type { Candle } from "../market/candle";
import { closedBy } from "../market/closed";
import type { Timeframe } from "../market/timeframe";
import type { StrategyContext } from "./strategy";

/**
 * The candles of `tf` in the context that had closed by `ctx.now`, oldest first. The engine passes
 * point-in-time data already; this guards against a still-open or later candle.
 */
export function closedCandles(ctx: Pick<StrategyContext, "candles" | "now">, tf: Timeframe): readonly Candle[] {
  return closedBy(ctx.candles[tf], tf, ctx.now);
}
