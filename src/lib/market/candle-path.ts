import type { Candle } from "./candle";

/**
 * The order in which a candle's real levels are assumed to trade when only OHLC is known: a bullish
 * or flat candle goes open → low → high → close, a bearish one open → high → low → close (the
 * conservative order for a long: the adverse extreme first). Shared by the exchange simulator and the
 * backtester, so a replay through the simulator and a backtest see the same prices in the same order.
 */
export function candlePath(c: Candle): [number, number, number, number] {
  return candlePathInto(c, [0, 0, 0, 0]);
}

/** `candlePath`, written into `out` (the backtester reuses one path per symbol). */
export function candlePathInto(c: Candle, out: [number, number, number, number]): [number, number, number, number] {
  const up = c.c >= c.o;
  out[0] = c.o;
  out[1] = up ? c.l : c.h;
  out[2] = up ? c.h : c.l;
  out[3] = c.c;
  return out;
}
