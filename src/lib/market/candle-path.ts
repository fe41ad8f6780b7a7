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

/**
 * Time of path point k (0 the open, 1 and 2 the extremes, 3 the close) of the candle opening at `t`: the open at t, each
 * leg a third of the candle. The simulator's frames with `openingFrame` and `partials: 2` fall on these times.
 */
export function pathPointTime(t: number, ms: number, k: number): number {
  return k === 3 ? t + ms : t + Math.round((ms * k) / 3);
}
