import { describe, expect, it } from "vitest";
import { RollingStats, rollingStats, rollingZscore } from "../../../src/lib/market/indicators/rolling-stats";
import { loadCandleRange } from "../../../sim/data/candles";
import { expectClose, runWithRestore } from "./support";

const minutes = loadCandleRange("BTCUSDT", "1m", Date.UTC(2025, 5, 1), Date.UTC(2025, 5, 8));
const volumes = minutes.map((c) => c.v);
const closes = minutes.map((c) => c.c);

function twoPass(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

describe("rolling mean/std", () => {
  it("computes mean, population std and z-score of a hand-worked window", () => {
    // window 2,4,4,6: mean 4; deviations −2,0,0,2 → pop var 8/4 = 2 → std √2; z(7) = (7−4)/√2
    const stats = new RollingStats(4);
    for (const x of [2, 4, 4, 6]) stats.push(x);
    expect(stats.mean).toBe(4);
    expectClose(stats.std, Math.SQRT2);
    expectClose(stats.zscore(7), 3 / Math.SQRT2);
    expect(rollingZscore([2, 4, 4, 6, 7], 4).slice(0, 4)).toEqual([null, null, null, null]);
    expectClose(rollingZscore([2, 4, 4, 6, 7], 4)[4], 3 / Math.SQRT2);
  });

  it("reports exactly zero spread once the window holds one repeated value", () => {
    // After 0.1, 0.1, 9.1 leave the window, plain running sums keep a residue (variance ≈ 3.6e-15,
    // std ≈ 6e-8), which would score a move of 0.001 at z ≈ 16 000. The window 0.001 ×4 has std 0.
    const stats = new RollingStats(4);
    for (const x of [0.1, 0.1, 9.1, 0.001, 0.001, 0.001, 0.001]) stats.push(x);
    expect(stats.std).toBe(0);
    expect(stats.mean).toBe(0.001);
    expect(stats.zscore(0.002)).toBeNull();
  });

  it("matches a two-pass computation over every window of a week of 1m volumes and BTC prices", () => {
    for (const [series, window] of [
      [volumes, 60],
      [closes, 20],
      [closes, 500],
    ] as const) {
      const out = rollingStats(series, window);
      let compared = 0;
      for (let i = window - 1; i < series.length; i++) {
        const expected = twoPass(series.slice(i - window + 1, i + 1));
        expectClose(out[i]!.mean, expected.mean, `mean ${i}`);
        expectClose(out[i]!.std, expected.std, `std ${i}`);
        compared++;
      }
      expect(compared).toBe(series.length - window + 1);
    }
  });

  it("scores each value against the window before it", () => {
    const z = rollingZscore(volumes, 60);
    let compared = 0;
    for (let i = 60; i < volumes.length; i++) {
      const { mean, std } = twoPass(volumes.slice(i - 60, i));
      expectClose(z[i], (volumes[i]! - mean) / std, `z ${i}`);
      compared++;
    }
    expect(compared).toBe(volumes.length - 60);
  });

  it("gives the same values streamed as in batch", () => {
    const streaming = new RollingStats(60);
    expect(volumes.map((v) => streaming.update(v))).toEqual(rollingStats(volumes, 60));
  });

  it("continues identically after a JSON restore between exact recomputes", () => {
    const { uninterrupted, restored } = runWithRestore(() => new RollingStats(60), RollingStats.fromJSON, volumes, 4321);
    expect(restored).toEqual(uninterrupted);
  });
});
