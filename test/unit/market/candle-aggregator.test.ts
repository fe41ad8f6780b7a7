import { describe, expect, it } from "vitest";
import { aggregateCandles } from "../../../src/lib/market/aggregate";
import type { Candle } from "../../../src/lib/market/candle";
import { applyMinute, emptyAggregatorState, formingCandle, seedFromHistory, type AggregateTimeframe, type AggregatorState, type ClosedBucket } from "../../../src/lib/market/candle-aggregator";
import { TIMEFRAME_MS } from "../../../src/lib/market/timeframe";
import { loadCandleRange } from "../../../sim/data/candles";

const WEEK_FROM = Date.UTC(2025, 5, 1);
const WEEK_TO = Date.UTC(2025, 5, 8);
const MIN = 60_000;
const ALL: AggregateTimeframe[] = ["15m", "1h", "4h", "1d"];

/** A synthetic flat 1m candle: price p, volume 1. */
function minuteAt(t: number, p = 100): Candle {
  return { t, o: p, h: p, l: p, c: p, v: 1 };
}

/** Streams `minutes`, optionally round-tripping the state through JSON text before the given indices. */
function stream(tfs: AggregateTimeframe[], minutes: readonly Candle[], restoreAt: readonly number[] = []): ClosedBucket[] {
  let state: AggregatorState = emptyAggregatorState(tfs);
  const closed: ClosedBucket[] = [];
  minutes.forEach((m, i) => {
    if (restoreAt.includes(i)) state = JSON.parse(JSON.stringify(state)) as AggregatorState;
    const result = applyMinute(state, m);
    expect(result.ignored).toBeUndefined();
    state = result.state;
    closed.push(...result.closed);
  });
  return closed;
}

function expectMatchesShipped(closed: readonly ClosedBucket[], shipped: readonly Candle[], tf: AggregateTimeframe): void {
  const mine = closed.filter((b) => b.tf === tf);
  expect(shipped.length).toBeGreaterThan(0);
  expect(mine.map((b) => b.candle.t)).toEqual(shipped.map((c) => c.t));
  mine.forEach((b, i) => {
    const ref = shipped[i]!;
    expect(b.complete).toBe(true);
    expect(b.minutes).toBe(TIMEFRAME_MS[tf] / MIN);
    expect([b.candle.o, b.candle.h, b.candle.l, b.candle.c]).toEqual([ref.o, ref.h, ref.l, ref.c]);
    expect(Math.abs(b.candle.v - ref.v), `${tf} volume at ${ref.t}`).toBeLessThanOrEqual(1e-8);
  });
}

describe("streaming candle aggregator", () => {
  for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
    it(`rebuilds every shipped 15m, 4h and 1d ${symbol} candle of 2025-06-01..07 from 1m candles`, () => {
      const minutes = loadCandleRange(symbol, "1m", WEEK_FROM, WEEK_TO);
      expect(minutes.length).toBe(7 * 1440);
      const closed = stream(ALL, minutes);
      const shipped15m = loadCandleRange(symbol, "15m", WEEK_FROM, WEEK_TO);
      expect(shipped15m.length).toBe(7 * 96);
      expectMatchesShipped(closed, shipped15m, "15m");
      expectMatchesShipped(closed, loadCandleRange(symbol, "4h", WEEK_FROM, WEEK_TO), "4h");
      expectMatchesShipped(closed, loadCandleRange(symbol, "1d", WEEK_FROM, WEEK_TO), "1d");
      // no shipped 1h file: the independently sourced 15m rows, aggregated in batch, are the reference
      expectMatchesShipped(closed, aggregateCandles(shipped15m, "1h"), "1h");
    });
  }

  it("builds the same candles as the backtester's batch aggregation, to the last bit of the volume", () => {
    // 2026-03-27: the 15m bucket from 00:15 sums to 78.15821 streaming and summed plainly to 78.15821000000003.
    const minutes = loadCandleRange("BTCUSDT", "1m", Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 28));
    const closed = stream(ALL, minutes);
    for (const tf of ALL) expect(closed.filter((b) => b.tf === tf).map((b) => b.candle)).toEqual(aggregateCandles(minutes, tf));
  });

  it("closes the 4h bucket on its last minute, not on the next bucket's first", () => {
    let state = emptyAggregatorState(["4h"]);
    for (let t = 0; t < 239 * MIN; t += MIN) {
      const result = applyMinute(state, minuteAt(t));
      expect(result.closed).toEqual([]);
      state = result.state;
    }
    const last = applyMinute(state, minuteAt(239 * MIN, 101));
    expect(last.closed).toEqual([{ tf: "4h", candle: { t: 0, o: 100, h: 101, l: 100, c: 101, v: 240 }, complete: true, minutes: 240 }]);
    expect(formingCandle(last.state, "4h")).toBeNull();
    expect(applyMinute(last.state, minuteAt(240 * MIN)).closed).toEqual([]);
  });

  it("emits each real bucket on the minute that ends it", () => {
    let state = emptyAggregatorState(ALL);
    for (const m of loadCandleRange("BTCUSDT", "1m", WEEK_FROM, WEEK_FROM + 2 * 86_400_000)) {
      const result = applyMinute(state, m);
      state = result.state;
      for (const b of result.closed) expect(b.candle.t + TIMEFRAME_MS[b.tf] - MIN).toBe(m.t);
    }
  });

  it("closes a bucket that missed its last minutes as incomplete before the later bucket's candle", () => {
    let state = emptyAggregatorState(["15m", "1h"]);
    for (let t = 0; t <= 50 * MIN; t += MIN) state = applyMinute(state, minuteAt(t)).state;
    // 00:51 .. 01:13 never arrive; 01:14 is the last minute of the 01:00 15m bucket
    const result = applyMinute(state, minuteAt(74 * MIN, 90));
    expect(result.closed).toEqual([
      { tf: "15m", candle: { t: 45 * MIN, o: 100, h: 100, l: 100, c: 100, v: 6 }, complete: false, minutes: 6 },
      { tf: "1h", candle: { t: 0, o: 100, h: 100, l: 100, c: 100, v: 51 }, complete: false, minutes: 51 },
      { tf: "15m", candle: { t: 60 * MIN, o: 90, h: 90, l: 90, c: 90, v: 1 }, complete: false, minutes: 1 },
    ]);
    expect(formingCandle(result.state, "1h")).toEqual({ t: 60 * MIN, o: 90, h: 90, l: 90, c: 90, v: 1 });
  });

  it("flags a bucket with a hole in the middle as incomplete when it closes on time", () => {
    let state = emptyAggregatorState(["15m"]);
    const closed: ClosedBucket[] = [];
    for (const i of [0, 1, 2, 10, 14]) {
      const result = applyMinute(state, minuteAt(i * MIN));
      state = result.state;
      closed.push(...result.closed);
    }
    expect(closed).toEqual([{ tf: "15m", candle: { t: 0, o: 100, h: 100, l: 100, c: 100, v: 5 }, complete: false, minutes: 5 }]);
  });

  it("ignores and reports duplicate and out-of-order minutes without double counting", () => {
    let state = emptyAggregatorState(["15m"]);
    for (let t = 0; t < 10 * MIN; t += MIN) state = applyMinute(state, minuteAt(t)).state;
    const duplicate = applyMinute(state, minuteAt(9 * MIN, 500));
    expect(duplicate.ignored).toMatch(/duplicate/);
    expect(duplicate.closed).toEqual([]);
    expect(duplicate.state).toBe(state);
    const stale = applyMinute(state, minuteAt(3 * MIN, 1));
    expect(stale.ignored).toMatch(/out-of-order/);
    expect(stale.state).toBe(state);
    for (let t = 10 * MIN; t < 14 * MIN; t += MIN) state = applyMinute(state, minuteAt(t)).state;
    expect(applyMinute(state, minuteAt(14 * MIN)).closed).toEqual([{ tf: "15m", candle: { t: 0, o: 100, h: 100, l: 100, c: 100, v: 15 }, complete: true, minutes: 15 }]);
  });

  it("produces the same closes when the state is restored from JSON mid-stream", () => {
    const minutes = loadCandleRange("ETHUSDT", "1m", WEEK_FROM, WEEK_TO);
    const uninterrupted = stream(ALL, minutes);
    // mid-15m, right after a 4h close, mid-day
    expect(stream(ALL, minutes, [7, 240, 2000, 5555, 9999])).toEqual(uninterrupted);
  });

  it("keeps its state as plain JSON data", () => {
    let state = emptyAggregatorState(ALL);
    for (const m of loadCandleRange("BTCUSDT", "1m", WEEK_FROM, WEEK_FROM + 777 * MIN)) state = applyMinute(state, m).state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it("seeds the forming candles from the day's history so a ticker can start mid-day", () => {
    const day = Date.UTC(2025, 5, 3);
    const minutes = loadCandleRange("BTCUSDT", "1m", day, day + 86_400_000);
    const cut = 13 * 60 + 38; // history covers 00:00 .. 13:37
    const seed = seedFromHistory(ALL, minutes.slice(0, cut));
    expect(seed.ignored).toEqual([]);
    const forming4h = formingCandle(seed.state, "4h")!;
    const batch4h = aggregateCandles(minutes.slice(12 * 60, cut), "4h")[0]!;
    expect([forming4h.t, forming4h.o, forming4h.h, forming4h.l, forming4h.c]).toEqual([batch4h.t, batch4h.o, batch4h.h, batch4h.l, batch4h.c]);
    expect(Math.abs(forming4h.v - batch4h.v)).toBeLessThan(1e-8);
    expect(seed.state.forming["1d"]?.minutes).toBe(cut);

    let state = seed.state;
    const live: ClosedBucket[] = [];
    for (const m of minutes.slice(cut)) {
      const result = applyMinute(state, m);
      state = result.state;
      live.push(...result.closed);
    }
    const closed = [...seed.closed, ...live];
    expectMatchesShipped(closed, loadCandleRange("BTCUSDT", "15m", day, day + 86_400_000), "15m");
    expectMatchesShipped(closed, loadCandleRange("BTCUSDT", "4h", day, day + 86_400_000), "4h");
    expectMatchesShipped(closed, loadCandleRange("BTCUSDT", "1d", day, day + 86_400_000), "1d");
    expect(live.filter((b) => b.tf === "4h").map((b) => b.candle.t)).toEqual([day + 12 * 3_600_000, day + 16 * 3_600_000, day + 20 * 3_600_000]);
  });

  it("flags buckets as incomplete when the seeding history starts after their open", () => {
    const day = Date.UTC(2025, 5, 3);
    const minutes = loadCandleRange("BTCUSDT", "1m", day + 30 * MIN, day + 4 * 3_600_000);
    const { closed } = seedFromHistory(["1h", "4h"], minutes);
    expect(closed.map((b) => [b.tf, b.complete, b.minutes])).toEqual([
      ["1h", false, 30],
      ["1h", true, 60],
      ["1h", true, 60],
      ["1h", true, 60],
      ["4h", false, 210],
    ]);
  });

  it("throws on a NaN or misaligned candle and on a timeframe it cannot build", () => {
    const state = emptyAggregatorState(["15m"]);
    expect(() => applyMinute(state, { ...minuteAt(0), c: Number.NaN })).toThrow();
    expect(() => applyMinute(state, minuteAt(30_000))).toThrow(/minute-aligned/);
    expect(() => emptyAggregatorState(["1m" as AggregateTimeframe])).toThrow();
    expect(() => emptyAggregatorState([])).toThrow();
  });
});
