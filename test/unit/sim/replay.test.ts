import { describe, expect, it } from "vitest";
import { ReplayClock } from "../../../sim/exchange/clock";
import { candlePath, pathPointTime } from "../../../src/lib/market/candle-path";
import { symbolData } from "../../../sim/exchange/market-data";
import { TickSource } from "../../../sim/exchange/ticks";
import { frameTime, framesRevealed, pathLevels, pathPrice, pathRange, revealCandle } from "../../../sim/exchange/replay";

const bull = { t: 0, o: 100, h: 110, l: 95, c: 105, v: 12 };
const bear = { t: 0, o: 100, h: 104, l: 90, c: 92, v: 6 };

describe("intra-minute path", () => {
  it("visits o, l, h, c in that order for a bullish candle and o, h, l, c for a bearish one", () => {
    expect([0, 1 / 3, 2 / 3, 1].map((f) => pathPrice(bull, f))).toEqual([100, 95, 110, 105]);
    expect([0, 1 / 3, 2 / 3, 1].map((f) => pathPrice(bear, f))).toEqual([100, 104, 90, 92]);
  });

  it("only ever quotes one of the candle's real levels", () => {
    const c = { t: 0, o: 101.37, h: 101.91, l: 100.03, c: 101.5, v: 1 };
    for (let f = 0; f <= 1; f += 0.01) expect([c.o, c.h, c.l, c.c]).toContain(pathPrice(c, f));
    expect([0.2, 0.5, 0.9].map((f) => pathPrice(bull, f))).toEqual([100, 95, 110]);
  });

  it("reveals running high/low and pro-rata volume, and the exact candle at the end", () => {
    expect(revealCandle(bull, 0.5)).toEqual({ t: 0, o: 100, h: 100, l: 95, c: 95, v: 6 });
    expect(revealCandle(bull, 0.75)).toEqual({ t: 0, o: 100, h: 110, l: 95, c: 110, v: 9 });
    expect(revealCandle(bull, 1)).toEqual(bull);
  });

  it("lists the levels stepped to between two frames in order, so fills see the path's order, not just its range", () => {
    expect(pathLevels(bull, 0, 1)).toEqual([95, 110, 105]);
    expect(pathLevels(bear, 0, 1)).toEqual([104, 90, 92]);
    expect(pathLevels(bull, 0.25, 0.75)).toEqual([95, 110]);
    expect(pathLevels(bull, 0, 0.2)).toEqual([100]);
    // K = 3: four frames; together they step through every level once, ending at the close.
    expect([1, 2, 3, 4].flatMap((i) => pathLevels(bear, (i - 1) / 4, i / 4))).toEqual([100, 104, 90, 92]);
    // K = 2: frames end exactly on the leg boundaries.
    expect([1, 2, 3].map((i) => pathLevels(bull, (i - 1) / 3, i / 3))).toEqual([[95], [110], [105]]);
  });

  it("reports the range travelled between two frames, including a vertex passed in between", () => {
    expect(pathRange(bull, 0.25, 0.75)).toEqual({ lo: 95, hi: 110 });
    expect(pathRange(bear, 0, 0.2)).toEqual({ lo: 100, hi: 100 });
    expect(pathRange(bear, 0.2, 0.4)).toEqual({ lo: 100, hi: 104 });
  });

  it("spaces K partial frames evenly and puts the closing frame at m + 60000", () => {
    expect([1, 2, 3, 4].map((i) => frameTime(60_000, i, 3))).toEqual([75_000, 90_000, 105_000, 120_000]);
    expect(framesRevealed(60_000, 3, 89_999)).toBe(1);
    expect(framesRevealed(60_000, 3, 120_000)).toBe(4);
    expect(framesRevealed(60_000, 0, 119_999)).toBe(0);
  });
});

describe("the opening frame", () => {
  it("with two partials, streams the backtester's four path points of each minute at its times", () => {
    const data = symbolData("BTCUSDT");
    const start = Date.parse("2026-03-26T00:00:00Z");
    const source = new TickSource([data], 2, start, start + 3 * 60_000, true);
    const frames = [...source.until(start + 3 * 60_000)].map((t) => ({ at: t.E, price: t.price, final: t.final, qty: t.qty, tradeId: t.tradeId }));
    const minutes = data.m1.filter((c) => c.t >= start && c.t < start + 3 * 60_000);
    expect(frames.map(({ at, price }) => ({ at, price }))).toEqual(minutes.flatMap((c) => candlePath(c).map((price, k) => ({ at: pathPointTime(c.t, 60_000, k), price }))));
    expect(frames.map((f) => f.final)).toEqual(minutes.flatMap(() => [false, false, false, true]));
    // The open comes with no volume yet; every frame keeps its own trade id.
    expect(frames.filter((_, i) => i % 4 === 0).every((f) => f.qty === 0)).toBe(true);
    expect(new Set(frames.map((f) => f.tradeId)).size).toBe(frames.length);
  });

  it("without it, a minute starts with its first partial frame, as before", () => {
    const data = symbolData("BTCUSDT");
    const start = Date.parse("2026-03-26T00:00:00Z");
    const frames = [...new TickSource([data], 2, start, start + 60_000).until(start + 60_000)];
    expect(frames.map((t) => t.E - start)).toEqual([20_000, 40_000, 60_000]);
  });
});

describe("replay clock", () => {
  it("advances at `speed` market ms per wall ms, pauses without jumping, and stops at the end", () => {
    let wall = 1000;
    const clock = new ReplayClock("realtime", 0, 10, 5000, () => wall);
    wall += 100;
    expect(clock.now()).toBe(1000);
    clock.control({ paused: true });
    wall += 100;
    expect(clock.now()).toBe(1000);
    clock.control({ paused: false, speed: 20 });
    wall += 50;
    expect(clock.now()).toBe(2000);
    wall += 10_000;
    expect(clock.now()).toBe(5000);
  });

  it("only moves through set() in manual mode", () => {
    let wall = 0;
    const clock = new ReplayClock("manual", 100, 1, 1000, () => wall);
    wall += 500;
    expect(clock.now()).toBe(100);
    clock.set(400);
    expect(clock.now()).toBe(400);
    clock.set(5000);
    expect(clock.now()).toBe(1000);
  });
});
