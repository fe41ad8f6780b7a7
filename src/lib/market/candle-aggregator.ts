import { mergeCandle, sumError } from "./aggregate";
import { assertValidCandle, type Candle } from "./candle";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "./timeframe";

/** Timeframes built from 1m candles. */
export type AggregateTimeframe = Exclude<Timeframe, "1m">;
export const AGGREGATE_TIMEFRAMES: readonly AggregateTimeframe[] = ["15m", "1h", "4h", "1d"];

const MINUTE_MS = 60_000;

export interface FormingBucket {
  /** The bucket so far. `v` is the running volume sum; the exact sum is `v + volumeCarry`. */
  candle: Candle;
  /** How many 1m candles the bucket holds. */
  minutes: number;
  /** Neumaier compensation term of the volume sum (a day of 1m volumes loses ~1e-9 otherwise). */
  volumeCarry: number;
}

/** Plain JSON-serialisable aggregator state: `JSON.parse(JSON.stringify(state))` restores it exactly. */
export interface AggregatorState {
  timeframes: AggregateTimeframe[];
  /** Open time of the last 1m candle applied. */
  lastMinute: number | null;
  forming: Partial<Record<AggregateTimeframe, FormingBucket>>;
}

export interface ClosedBucket {
  tf: AggregateTimeframe;
  candle: Candle;
  /** True when every 1m candle of the bucket was applied. */
  complete: boolean;
  minutes: number;
}

export interface MinuteResult {
  state: AggregatorState;
  /** Buckets closed by this candle: gap-closed (incomplete) ones first, then those it completes; each group in timeframe order. */
  closed: ClosedBucket[];
  /** Set when the candle was not applied (duplicate or out of order); the state is then unchanged. */
  ignored?: string;
}

export function emptyAggregatorState(timeframes: readonly AggregateTimeframe[]): AggregatorState {
  if (timeframes.length === 0) throw new Error("aggregator needs at least one timeframe");
  for (const tf of timeframes) {
    if (!AGGREGATE_TIMEFRAMES.includes(tf)) throw new Error(`aggregator cannot build ${tf} from 1m candles`);
  }
  return { timeframes: AGGREGATE_TIMEFRAMES.filter((tf) => timeframes.includes(tf)), lastMinute: null, forming: {} };
}

/**
 * Applies one closed 1m candle (ascending order, one call per candle). A bucket closes on its last
 * minute (open time bucketStart + tfMs − 1m), so a 4h candle is emitted on time. A candle of a later
 * bucket while an earlier one is still forming means minutes were missed: the earlier bucket is
 * closed first, flagged incomplete. Buckets with no 1m candle at all are never emitted.
 */
export function applyMinute(state: AggregatorState, minute: Candle): MinuteResult {
  assertValidCandle(minute);
  if (minute.t % MINUTE_MS !== 0) throw new Error(`1m candle open time ${minute.t} is not minute-aligned`);
  const last = state.lastMinute;
  if (last !== null && minute.t <= last) {
    const kind = minute.t === last ? "duplicate" : "out-of-order";
    return { state, closed: [], ignored: `${kind} 1m candle ${iso(minute.t)} (last applied ${iso(last)})` };
  }
  const forming = { ...state.forming };
  const gapClosed: ClosedBucket[] = [];
  const completed: ClosedBucket[] = [];
  for (const tf of state.timeframes) {
    const start = bucketStart(minute.t, tf);
    let bucket = forming[tf];
    if (bucket && bucket.candle.t !== start) {
      gapClosed.push(closeBucket(tf, bucket));
      bucket = undefined;
    }
    bucket = bucket ? addMinute(bucket, minute) : openBucket(start, minute);
    if (minute.t === start + TIMEFRAME_MS[tf] - MINUTE_MS) {
      completed.push(closeBucket(tf, bucket));
      delete forming[tf];
    } else {
      forming[tf] = bucket;
    }
  }
  return { state: { timeframes: state.timeframes, lastMinute: minute.t, forming }, closed: [...gapClosed, ...completed] };
}

export interface SeedResult {
  state: AggregatorState;
  /** Buckets that closed within the history (already past; useful to warm indicators). */
  closed: ClosedBucket[];
  ignored: string[];
}

/**
 * Rebuilds the forming buckets from the closed 1m candles since the start of the current bucket of
 * the longest timeframe (e.g. the UTC day), so a ticker can start mid-bucket after a REST bootstrap.
 * History that starts later than that leaves the affected buckets flagged incomplete when they close.
 */
export function seedFromHistory(timeframes: readonly AggregateTimeframe[], minutes: readonly Candle[]): SeedResult {
  let state = emptyAggregatorState(timeframes);
  const closed: ClosedBucket[] = [];
  const ignored: string[] = [];
  for (const minute of minutes) {
    const result = applyMinute(state, minute);
    state = result.state;
    closed.push(...result.closed);
    if (result.ignored !== undefined) ignored.push(result.ignored);
  }
  return { state, closed, ignored };
}

/** The forming candle of `tf` (volume compensated), or null when no minute of the current bucket arrived yet. */
export function formingCandle(state: AggregatorState, tf: AggregateTimeframe): Candle | null {
  const bucket = state.forming[tf];
  return bucket ? { ...bucket.candle, v: bucket.candle.v + bucket.volumeCarry } : null;
}

function openBucket(start: number, minute: Candle): FormingBucket {
  return { candle: { t: start, o: minute.o, h: minute.h, l: minute.l, c: minute.c, v: minute.v }, minutes: 1, volumeCarry: 0 };
}

function addMinute(bucket: FormingBucket, minute: Candle): FormingBucket {
  const sum = bucket.candle.v + minute.v;
  const lost = sumError(bucket.candle.v, minute.v, sum);
  return {
    candle: { ...mergeCandle(bucket.candle, minute), v: sum },
    minutes: bucket.minutes + 1,
    volumeCarry: bucket.volumeCarry + lost,
  };
}

function closeBucket(tf: AggregateTimeframe, bucket: FormingBucket): ClosedBucket {
  return {
    tf,
    candle: { ...bucket.candle, v: bucket.candle.v + bucket.volumeCarry },
    complete: bucket.minutes === TIMEFRAME_MS[tf] / MINUTE_MS,
    minutes: bucket.minutes,
  };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
