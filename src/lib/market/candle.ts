import type { Timeframe } from "./timeframe";

/** One OHLCV candle; `t` is the open time in epoch ms (UTC), volume is base-asset volume. */
export interface Candle {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/** A candle of a given symbol and timeframe that has closed. */
export interface ClosedCandle {
  symbol: string;
  tf: Timeframe;
  candle: Candle;
}

/** Throws on a candle that breaks OHLC invariants: a broken invariant is a bug, not a refusal. */
export function assertValidCandle(c: Candle): void {
  const finite = Number.isFinite(c.o) && Number.isFinite(c.h) && Number.isFinite(c.l) && Number.isFinite(c.c) && Number.isFinite(c.v);
  if (!finite || c.l <= 0 || c.v < 0 || c.h < Math.max(c.o, c.c, c.l) || c.l > Math.min(c.o, c.c)) {
    throw new Error(`invalid candle at ${c.t}: o=${c.o} h=${c.h} l=${c.l} c=${c.c} v=${c.v}`);
  }
}
