import type { Candle } from "./candle";
import { bucketStart, type Timeframe } from "./timeframe";

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

/**
 * Batch aggregation of ascending finer candles into `tf` buckets: first open, max high, min low,
 * last close, summed volume. Buckets are emitted whether or not every finer candle is present;
 * callers that need complete buckets check coverage themselves.
 */
export function aggregateCandles(candles: readonly Candle[], tf: Timeframe): Candle[] {
  const out: Candle[] = [];
  let current: Candle | undefined;
  for (const c of candles) {
    const start = bucketStart(c.t, tf);
    if (current && current.t === start) {
      current = mergeCandle(current, c);
    } else {
      if (current) out.push(current);
      current = { t: start, o: c.o, h: c.h, l: c.l, c: c.c, v: c.v };
    }
  }
  if (current) out.push(current);
  return out;
}
