import type { Candle } from "./candle";

/**
 * The order in which a candle's real levels are assumed to trade when only OHLC is known: a bullish
 * or flat candle goes open → low → high → close, a bearish one open → high → low → close (the
 * conservative order for a long: the adverse extreme first). Shared by the exchange simulator and the
 * backtester, so a replay through the simulator and a backtest see the same prices in the same order.
 */
export function candlePath(c: Candle): [number, number, number, number] {
  return c.c >= c.o ? [c.o, c.l, c.h, c.c] : [c.o, c.h, c.l, c.c];
}
