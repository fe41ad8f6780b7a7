import { describe, expect, it } from "vitest";
import type { Candle } from "../../../src/lib/market/candle";
import { LazyTick, TickFeatureTracker, type TickFeatures, type TickFeatureState } from "../../../src/lib/market/tick-features";
import { loadCandleRange } from "../../../sim/data/candles";
import { expectClose } from "./support";

const MIN = 60_000;

function minute(i: number, c: number, v: number): Candle {
  return { t: i * MIN, o: c, h: c, l: c, c, v };
}

function populationMoments(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

/** z of x against the last `window` entries of `past`, 0 with fewer than `minCount` or zero std. */
function naiveZ(past: readonly number[], x: number, window: number, minCount: number): number {
  const slice = past.slice(Math.max(0, past.length - window));
  if (slice.length < minCount) return 0;
  const { mean, std } = populationMoments(slice);
  return std > 0 ? (x - mean) / std : 0;
}

describe("tick features", () => {
  it("scores a tick against past 1m returns and volumes, by hand", () => {
    // closes 100, 100·e^0.02, 100·e^0.02 → 1m log returns 0.02, 0 → mean 0.01, population std 0.01
    // volumes 10, 20, 30 → mean 20, population std √((100+0+100)/3) = √(200/3)
    // tick at c·e^0.03 with 5 traded so far: ret1m 0.03, zRet (0.03−0.01)/0.01 = 2, zVol (5−20)/√(200/3)
    const tracker = new TickFeatureTracker(4, 2);
    const c1 = 100 * Math.exp(0.02);
    tracker.closeMinute(minute(0, 100, 10), 59_999);
    tracker.closeMinute(minute(1, c1, 20), 119_999);
    tracker.closeMinute(minute(2, c1, 30), 179_999);
    const f = tracker.tick(c1 * Math.exp(0.03), 5, 200_000);
    expect(f.price).toBe(c1 * Math.exp(0.03));
    expect(f.at).toBe(200_000);
    expectClose(f.ret1m, 0.03);
    expectClose(f.zRet, 2);
    expectClose(f.zVol, -15 / Math.sqrt(200 / 3));
  });

  it("returns zeros, not NaN, before there is a previous close or enough history", () => {
    const tracker = new TickFeatureTracker(60, 20);
    expect(tracker.tick(100, 3, 1)).toEqual({ price: 100, at: 1, ret1m: 0, zRet: 0, zVol: 0 });
    for (let i = 0; i < 19; i++) tracker.closeMinute(minute(i, 100 + i, 1 + i), i * MIN + 59_999);
    // 19 volumes and 18 returns: both below the minimum count of 20
    const f = tracker.tick(150, 50, 19 * MIN + 1);
    expectClose(f.ret1m, Math.log(150 / 118));
    expect([f.zRet, f.zVol]).toEqual([0, 0]);
  });

  it("returns a zero z-score when the window has no spread", () => {
    const tracker = new TickFeatureTracker(5, 2);
    for (let i = 0; i < 6; i++) tracker.closeMinute(minute(i, 100, 7), i * MIN + 59_999);
    const f = tracker.tick(101, 9, 6 * MIN + 1);
    expect([f.zRet, f.zVol]).toEqual([0, 0]);
  });

  it("does not push a return that spans a gap of missing minutes", () => {
    const tracker = new TickFeatureTracker(4, 2);
    const c1 = 100 * Math.exp(0.02);
    tracker.closeMinute(minute(0, 100, 10), 0);
    tracker.closeMinute(minute(1, c1, 20), 0);
    tracker.closeMinute(minute(2, c1, 30), 0);
    // minute 3 is missing; minute 4's return (0.5 over two minutes) must not enter the window
    const c4 = c1 * Math.exp(0.5);
    tracker.closeMinute(minute(4, c4, 40), 0);
    const f = tracker.tick(c4 * Math.exp(0.03), 25, 0);
    expectClose(f.zRet, 2); // still against 0.02, 0
    // volumes 10, 20, 30, 40: mean 25 → zVol 0
    expectClose(f.zVol, 0);
  });

  it("counts a repeated closing update of the same minute once", () => {
    const once = new TickFeatureTracker(10, 2);
    const twice = new TickFeatureTracker(10, 2);
    for (let i = 0; i < 6; i++) {
      const m = minute(i, 100 + (i % 3), 5 + i);
      once.closeMinute(m, 0);
      twice.closeMinute(m, 0);
      twice.closeMinute(m, 1);
    }
    expect(twice.tick(103, 4, 2)).toEqual(once.tick(103, 4, 2));
    expect(twice.toJSON()).toEqual(once.toJSON());
  });

  it("matches naive window statistics on a week of real SOL ticks", () => {
    const minutes = loadCandleRange("SOLUSDT", "1m", Date.UTC(2026, 2, 24), Date.UTC(2026, 2, 31));
    expect(minutes.length).toBe(7 * 1440);
    const tracker = new TickFeatureTracker();
    const pastReturns: number[] = [];
    const pastVolumes: number[] = [];
    let nonZero = 0;
    minutes.forEach((m, i) => {
      const prev = minutes[i - 1];
      // a mid-minute tick at the bar's midpoint with half its volume, then the closing update
      const ticks: [number, number, boolean][] = [
        [(m.h + m.l) / 2, m.v / 2, false],
        [m.c, m.v, true],
      ];
      for (const [price, volume, closing] of ticks) {
        const at = m.t + (closing ? 59_999 : 30_000);
        const f = closing ? tracker.closeMinute(m, at) : tracker.tick(price, volume, at);
        const ret = prev ? Math.log(price / prev.c) : 0;
        expectClose(f.ret1m, ret, `ret ${i}`);
        expectClose(f.zRet, naiveZ(pastReturns, ret, 60, 20), `zRet ${i}`);
        expectClose(f.zVol, naiveZ(pastVolumes, volume, 60, 20), `zVol ${i}`);
        if (f.zRet !== 0 && f.zVol !== 0) nonZero++;
      }
      if (prev) pastReturns.push(Math.log(m.c / prev.c));
      pastVolumes.push(m.v);
    });
    expect(nonZero).toBeGreaterThan(2 * (minutes.length - 25));
  });

  it("continues identically after a JSON restore mid-stream", () => {
    const minutes = loadCandleRange("BTCUSDT", "1m", Date.UTC(2026, 2, 24), Date.UTC(2026, 2, 26));
    const run = (restoreAt: number | null): TickFeatures[] => {
      let tracker = new TickFeatureTracker(30, 10);
      const out: TickFeatures[] = [];
      minutes.forEach((m, i) => {
        if (i === restoreAt) tracker = TickFeatureTracker.fromJSON(JSON.parse(JSON.stringify(tracker.toJSON())) as TickFeatureState);
        out.push(tracker.tick(m.o, m.v / 3, m.t + 1), tracker.closeMinute(m, m.t + 59_999));
      });
      return out;
    };
    expect(run(1789)).toEqual(run(null));
  });

  it("throws on a NaN or non-positive price", () => {
    const tracker = new TickFeatureTracker();
    expect(() => tracker.tick(Number.NaN, 1, 0)).toThrow();
    expect(() => tracker.tick(0, 1, 0)).toThrow();
  });

  it("a lazy tick reads what tick and closeMinute answer, scored only when read", () => {
    const minutes = Array.from({ length: 200 }, (_, i) => minute(i, 100 * Math.exp(0.01 * Math.sin(i / 3) + 0.002 * (i % 7)), 5 + (i % 11)));
    const eager = new TickFeatureTracker(60, 20);
    const lazyTracker = new TickFeatureTracker(60, 20);
    const lazy = new LazyTick("BTC/USDT", lazyTracker);
    expect([lazy.zRet, lazy.zVol]).toEqual([0, 0]);
    minutes.forEach((m, i) => {
      for (let k = 0; k < 3; k++) {
        const price = m.c * (1 + 0.001 * (k - 1));
        const f = eager.tick(price, m.v * (k / 3), m.t + k * 20_000);
        lazy.tick(price, m.v * (k / 3), m.t + k * 20_000);
        // Read at some ticks only: the others are never scored.
        if ((i + k) % 3 === 0) expect([lazy.zRet, lazy.zVol]).toEqual([f.zRet, f.zVol]);
        expect(lazy.price).toBe(price);
      }
      const f = eager.closeMinute(m, m.t + MIN);
      lazy.close(m, m.t + MIN);
      expect([lazy.zRet, lazy.zVol]).toEqual([f.zRet, f.zVol]);
    });
    expect(lazyTracker.toJSON()).toEqual(eager.toJSON());
    expect(() => lazy.tick(Number.NaN, 1, 0)).toThrow(/positive/);
  });
});
