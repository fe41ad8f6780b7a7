import { aggregateCandles, mergeCandle } from "../../src/lib/market/aggregate";
import type { Candle } from "../../src/lib/market/candle";
import { isTimeframe } from "../../src/lib/market/timeframe";
import { loadCandles, type ShippedTimeframe } from "../data/candles";
import { bucketOf, dec, MINUTE } from "./intervals";
import { firstIndex, minuteIndex, symbolData, windowAt, type SymbolData } from "./market-data";
import { framesRevealed, revealCandle } from "./replay";

/** Shipped coarser files, largest first: after the 1m data, they are the sources tried in this order. */
const SHIPPED: readonly { tf: ShippedTimeframe; ms: number }[] = [
  { tf: "1d", ms: 86_400_000 },
  { tf: "4h", ms: 14_400_000 },
  { tf: "15m", ms: 900_000 },
];

/** Buckets of `ms` fully covered by `src` candles (each `srcMs` long), aggregated. */
function fullBuckets(src: readonly Candle[], srcMs: number, interval: string, ms: number): Candle[] {
  if (srcMs === ms) return [...src];
  const counts = new Map<number, number>();
  for (const c of src) counts.set(bucketOf(c.t, ms), (counts.get(bucketOf(c.t, ms)) ?? 0) + 1);
  let agg: Candle[];
  if (isTimeframe(interval)) {
    agg = aggregateCandles(src, interval);
  } else {
    agg = [];
    for (const c of src) {
      const last = agg[agg.length - 1];
      if (last && last.t === bucketOf(c.t, ms)) agg[agg.length - 1] = mergeCandle(last, c);
      else agg.push({ ...c, t: bucketOf(c.t, ms) });
    }
  }
  return agg.filter((c) => counts.get(c.t) === ms / srcMs);
}

const seriesCache = new Map<string, Candle[]>();

/**
 * Every complete candle of `interval` we can source, ignoring replay time. Per open time the first source
 * wins: aggregate of shipped 1m data, then the shipped file of that interval, then aggregates of finer files.
 */
export function closedSeries(symbol: string, interval: string, ms: number): Candle[] {
  const key = `${symbol}:${interval}`;
  const hit = seriesCache.get(key);
  if (hit) return hit;
  const byTime = new Map<number, Candle>();
  const add = (cs: Candle[]) => cs.forEach((c) => byTime.has(c.t) || byTime.set(c.t, c));
  add(fullBuckets(symbolData(symbol).m1, MINUTE, interval, ms));
  for (const s of SHIPPED) if (s.ms <= ms && ms % s.ms === 0) add(fullBuckets(loadCandles(symbol, s.tf), s.ms, interval, ms));
  const series = [...byTime.values()].sort((a, b) => a.t - b.t);
  seriesCache.set(key, series);
  return series;
}

/**
 * The forming candle of `ms` containing T, built only from what the replay revealed by T. When nothing of the
 * bucket is revealed yet (T on its open), it is the just-opened candle at the minute's open with zero volume,
 * as Binance lists a new candle as soon as its interval starts.
 */
export function formingCandle(data: SymbolData, ms: number, T: number, partials: number): Candle | undefined {
  const w = windowAt(data, T);
  const b = bucketOf(T, ms);
  if (!w || b < w.start) return undefined;
  const mT = bucketOf(T, MINUTE);
  const iT = w.from + (mT - w.start) / MINUTE;
  let agg: Candle | undefined;
  for (let i = w.from + (b - w.start) / MINUTE; i < iT; i++) {
    const c = data.m1[i]!;
    agg = agg ? mergeCandle(agg, c) : { ...c };
  }
  const cur = data.m1[iT]!;
  const n = framesRevealed(mT, partials, T);
  if (n > 0) {
    const r = revealCandle(cur, n / (partials + 1));
    agg = agg ? mergeCandle(agg, r) : r;
  }
  agg ??= { t: mT, o: cur.o, h: cur.o, l: cur.o, c: cur.o, v: 0 };
  return { ...agg, t: b };
}

export interface KlineQuery {
  startTime?: number;
  endTime?: number;
  limit: number;
}

/** Binance klines semantics over the candles visible at T (closed ones, then the forming one). */
export function queryKlines(symbol: string, interval: string, ms: number, T: number, partials: number, q: KlineQuery): Candle[] {
  const closed = closedSeries(symbol, interval, ms);
  const nClosed = firstIndex(closed.length, (i) => closed[i]!.t + ms > T);
  const forming = formingCandle(symbolData(symbol), ms, T, partials);
  const total = nClosed + (forming ? 1 : 0);
  const at = (i: number): Candle => (i < nClosed ? closed[i]! : forming!);
  const lo = q.startTime === undefined ? 0 : firstIndex(total, (i) => at(i).t >= q.startTime!);
  const hi = q.endTime === undefined ? total : firstIndex(total, (i) => at(i).t > q.endTime!);
  const from = q.startTime !== undefined ? lo : Math.max(lo, hi - q.limit);
  const to = Math.min(hi, from + q.limit);
  const out: Candle[] = [];
  for (let i = from; i < to; i++) out.push(at(i));
  return out;
}

/** A REST kline row; fields we have no data for (quote volume, trade count, taker volumes) are zero. */
export function klineRow(c: Candle, ms: number): (string | number)[] {
  return [c.t, dec(c.o), dec(c.h), dec(c.l), dec(c.c), dec(c.v), c.t + ms - 1, dec(0), 0, dec(0), dec(0), "0"];
}

/**
 * Incremental forming-candle builder for WS frames of intervals above 1m: remembers the merged closed
 * minutes of the current bucket so each frame costs one merge.
 */
export class FormingAggregator {
  private memo = new Map<string, { bucket: number; upTo: number; agg: Candle | undefined }>();

  at(data: SymbolData, ms: number, m: number, revealed: Candle): Candle {
    const key = `${data.symbol}:${ms}`;
    const b = bucketOf(m, ms);
    let e = this.memo.get(key);
    if (!e || e.bucket !== b || e.upTo > m) e = { bucket: b, upTo: b, agg: undefined };
    for (let t = e.upTo; t < m; t += MINUTE) {
      const i = minuteIndex(data, t);
      if (i !== undefined) e.agg = e.agg ? mergeCandle(e.agg, data.m1[i]!) : { ...data.m1[i]! };
    }
    e.upTo = m;
    this.memo.set(key, e);
    const merged = e.agg ? mergeCandle(e.agg, revealed) : { ...revealed };
    return { ...merged, t: b };
  }
}
