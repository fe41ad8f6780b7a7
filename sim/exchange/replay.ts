import type { Candle } from "../../src/lib/market/candle";
import { MINUTE } from "./intervals";
import { candlePath } from "../../src/lib/market/candle-path";

/**
 * Intra-minute price path. Binance gives us only OHLC per minute, so the path through the minute is a
 * synthetic ordering of the REAL levels: a bullish or flat candle (c >= o) goes o -> l -> h -> c, a bearish
 * one o -> h -> l -> c. Each of the three legs takes a third of the minute and the price steps from level
 * to level (it is the last level reached), so every price the simulator quotes, streams or fills at is one
 * of the minute's real open, high, low or close, never an interpolation.
 */
export const pathPoints = candlePath;

const LEGS = 3;

/** Path price at fraction `f` (0..1) of the minute. */
export function pathPrice(c: Candle, f: number): number {
  if (f >= 1) return c.c;
  if (f <= 0) return c.o;
  return pathPoints(c)[Math.min(LEGS - 1, Math.floor(f * LEGS))]!;
}

/** Lowest and highest price the path touches for fractions in [f0, f1]. */
export function pathRange(c: Candle, f0: number, f1: number): { lo: number; hi: number } {
  const p = pathPoints(c);
  const a = pathPrice(c, f0);
  const b = pathPrice(c, f1);
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  for (let k = 1; k < LEGS; k++) {
    const fk = k / LEGS;
    if (fk > f0 && fk < f1) {
      lo = Math.min(lo, p[k]!);
      hi = Math.max(hi, p[k]!);
    }
  }
  return { lo, hi };
}

/** The prices the path steps to for fractions in (f0, f1], in order (the price at f0 itself excluded). */
export function pathLevels(c: Candle, f0: number, f1: number): number[] {
  const p = pathPoints(c);
  const out: number[] = [];
  let lastLeg = -1;
  for (let k = 1; k < LEGS; k++) {
    if (k / LEGS > f0 && k / LEGS < f1) {
      out.push(p[k]!);
      lastLeg = k;
    }
  }
  // The price at f1 is that last vertex again unless a later step (to the next vertex or the close) came since.
  if (f1 >= 1 || Math.floor(f1 * LEGS) !== lastLeg) out.push(pathPrice(c, f1));
  return out;
}

/** The candle as revealed after fraction `f` of its minute: o, running high/low, c = path price, v pro rata. */
export function revealCandle(c: Candle, f: number): Candle {
  if (f >= 1) return { ...c };
  const { lo, hi } = pathRange(c, 0, f);
  return { t: c.t, o: c.o, h: hi, l: lo, c: pathPrice(c, f), v: c.v * f };
}

/** Event time of frame i (1..K+1) of the minute opening at m; frame K+1 is the closing frame at m + 60000. */
export function frameTime(m: number, i: number, partials: number): number {
  return m + Math.round((MINUTE * i) / (partials + 1));
}

/** How many frames of the minute opening at m have event time <= T (0..K+1). */
export function framesRevealed(m: number, partials: number, T: number): number {
  let n = 0;
  for (let i = 1; i <= partials + 1; i++) if (frameTime(m, i, partials) <= T) n = i;
  return n;
}
