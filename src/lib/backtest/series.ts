import { aggregateCandles } from "../market/aggregate";
import type { Candle } from "../market/candle";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "../market/timeframe";

const DERIVED: Timeframe[] = ["15m", "1h", "4h", "1d"];

/**
 * One symbol's candles for a replay: the base timeframe, and every coarser timeframe built from it
 * (as the TickerActor builds them live) after the warm-up history of that timeframe. Lookups are by
 * close time, so nothing that closes after `now` is ever returned.
 */
export class SymbolSeries {
  /** The candles of each timeframe, built when first asked for (null: none of that timeframe). */
  private readonly lists = new Map<Timeframe, Candle[] | null>();
  /** The last window handed out per timeframe and length: asked again before a new candle closes, the same array is returned. */
  private readonly lastWindow = new Map<Timeframe, Map<number, { end: number; candles: readonly Candle[] }>>();

  constructor(
    readonly base: Candle[],
    readonly baseTf: Timeframe,
    private readonly history: Partial<Record<Timeframe, Candle[]>> = {},
  ) {}

  /** Every candle of `tf` in the replay, oldest first (warm-up history, then the ones built from the base); undefined when none. */
  candles(tf: Timeframe): Candle[] | undefined {
    let list = this.lists.get(tf);
    if (list === undefined) this.lists.set(tf, (list = this.build(tf)));
    return list ?? undefined;
  }

  private build(tf: Timeframe): Candle[] | null {
    if (tf !== this.baseTf && !DERIVED.includes(tf)) return null;
    const base = this.base;
    const baseMs = TIMEFRAME_MS[this.baseTf];
    const ms = TIMEFRAME_MS[tf];
    let built: Candle[] = [];
    if (tf === this.baseTf) built = base;
    else if (ms > baseMs && ms % baseMs === 0 && base.length > 0) {
      // A bucket the replay starts inside would be partial: it is left to the history.
      const start = bucketStart(base[0]!.t, tf);
      const firstFull = start === base[0]!.t ? start : start + ms;
      // The base is ascending: the buckets from firstFull on are those of the base candles from firstFull on.
      let from = 0;
      while (from < base.length && base[from]!.t < firstFull) from++;
      built = aggregateCandles(base, tf, from);
    }
    const first = built[0]?.t ?? Infinity;
    const history = this.history[tf] ?? [];
    const older = history.every((c) => c.t < first) ? history : history.filter((c) => c.t < first);
    const all = older.length ? older.concat(built) : built;
    return all.length ? all : null;
  }

  /**
   * The last `n` candles of `tf` closed by `now`, oldest first. Callers must not modify it: until the
   * next candle of `tf` closes, the same array is returned (most decisions fall inside an open 4h or 1d candle).
   */
  closed(tf: Timeframe, now: number, n: number): readonly Candle[] {
    const list = this.candles(tf);
    if (!list) return [];
    const end = this.closedCount(tf, now);
    let windows = this.lastWindow.get(tf);
    if (windows === undefined) this.lastWindow.set(tf, (windows = new Map()));
    const last = windows.get(n);
    if (last !== undefined && last.end === end) return last.candles;
    const candles = list.slice(Math.max(0, end - n), end);
    windows.set(n, { end, candles });
    return candles;
  }

  /** How many candles of `tf` had closed by `now`. */
  closedCount(tf: Timeframe, now: number): number {
    const list = this.candles(tf);
    if (!list) return 0;
    const ms = TIMEFRAME_MS[tf];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.t + ms <= now) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Open time of the last candle of `tf` closed by `now`, or null. */
  lastClosedOpen(tf: Timeframe, now: number): number | null {
    const end = this.closedCount(tf, now);
    return end > 0 ? this.candles(tf)![end - 1]!.t : null;
  }
}
