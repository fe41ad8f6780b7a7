import type { Candle } from "./candle";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "./timeframe";

/** Merges one finer candle into a coarser one that starts earlier (same bucket). */
export function mergeCandle(into: Candle, next: Candle): Candle {
  return {
    t: into.t,
    o: into.o,
    h: next.h > into.h ? next.h : into.h,
    l: next.l < into.l ? next.l : into.l,
    c: next.c,
    v: into.v + next.v,
  };
}

/** The rounding error of `a + b` (Neumaier): carried beside a running sum, it makes the sum exact to the last bit. */
export function sumError(a: number, b: number, sum: number): number {
  return Math.abs(a) >= Math.abs(b) ? a - sum + b : b - sum + a;
}

/**
 * Batch aggregation of ascending finer candles into `tf` buckets: first open, max high, min low,
 * last close, summed volume (compensated, as the ticker's aggregator sums it). Buckets are emitted whether or not every finer candle is present;
 * callers that need complete buckets check coverage themselves. `from`: the index of the first candle to take.
 */
export function aggregateCandles(candles: readonly Candle[], tf: Timeframe, from = 0): Candle[] {
  const ms = TIMEFRAME_MS[tf];
  const out: Candle[] = [];
  // The bucket being built, in locals (no object until it is complete): open time, end, and its OHLCV so far.
  let t = 0;
  let end = 0;
  let o = 0;
  let h = 0;
  let l = 0;
  let c = 0;
  let v = 0;
  let carry = 0;
  let open = false;
  for (let i = from; i < candles.length; i++) {
    const x = candles[i]!;
    if (open && x.t >= t && x.t < end) {
      if (x.h > h) h = x.h;
      if (x.l < l) l = x.l;
      c = x.c;
      const sum = v + x.v;
      carry += sumError(v, x.v, sum);
      v = sum;
    } else {
      if (open) out.push({ t, o, h, l, c, v: v + carry });
      t = bucketStart(x.t, tf);
      end = t + ms;
      o = x.o;
      h = x.h;
      l = x.l;
      c = x.c;
      v = x.v;
      carry = 0;
      open = true;
    }
  }
  if (open) out.push({ t, o, h, l, c, v: v + carry });
  return out;
}
