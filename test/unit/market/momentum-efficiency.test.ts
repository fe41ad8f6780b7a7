import { describe, expect, it } from "vitest";
import { EfficiencyRatio, efficiencyRatio } from "../../../src/lib/market/indicators/efficiency-ratio";
import { Momentum, momentum } from "../../../src/lib/market/indicators/momentum";
import { btc4h, expectClose, expectSeriesClose, runWithRestore } from "./support";

const closes = btc4h().map((c) => c.c);

describe("momentum", () => {
  it("is the fractional change over n periods, by hand", () => {
    // n = 2: 121/100 − 1 = 0.21; 133.1/110 − 1 = 0.21
    const out = momentum([100, 110, 121, 133.1], 2);
    expect(out.slice(0, 2)).toEqual([null, null]);
    expectClose(out[2], 0.21);
    expectClose(out[3], 0.21);
  });

  it("matches close[i]/close[i−n] − 1 on real 4h closes", () => {
    const n = 42;
    const expected = closes.map((c, i) => (i < n ? null : c / closes[i - n]! - 1));
    expect(expectSeriesClose(momentum(closes, n), expected)).toBe(closes.length - n);
  });

  it("gives the same values streamed as in batch and after a JSON restore", () => {
    const streaming = new Momentum(6);
    expect(closes.map((c) => streaming.update(c))).toEqual(momentum(closes, 6));
    const { uninterrupted, restored } = runWithRestore(() => new Momentum(6), Momentum.fromJSON, closes, 1003);
    expect(restored).toEqual(uninterrupted);
  });
});

describe("Kaufman efficiency ratio", () => {
  it("divides net change by path length, by hand", () => {
    // n = 3 over 10,11,10,13: net |13−10| = 3, path 1+1+3 = 5 → 0.6
    expect(efficiencyRatio([10, 11, 10, 13], 3)).toEqual([null, null, null, 0.6]);
    // a straight line is fully efficient; a flat series has no trend
    expect(efficiencyRatio([10, 11, 12, 13], 3)[3]).toBe(1);
    expect(efficiencyRatio([5, 5, 5, 5], 3)[3]).toBe(0);
  });

  it("matches direct window sums on real 4h closes", () => {
    const n = 14;
    const expected = closes.map((c, i) => {
      if (i < n) return null;
      let path = 0;
      for (let j = i - n + 1; j <= i; j++) path += Math.abs(closes[j]! - closes[j - 1]!);
      return Math.abs(c - closes[i - n]!) / path;
    });
    expect(expectSeriesClose(efficiencyRatio(closes, n), expected)).toBe(closes.length - n);
  });

  it("gives the same values streamed as in batch and after a JSON restore", () => {
    const streaming = new EfficiencyRatio(10);
    expect(closes.map((c) => streaming.update(c))).toEqual(efficiencyRatio(closes, 10));
    const { uninterrupted, restored } = runWithRestore(() => new EfficiencyRatio(10), EfficiencyRatio.fromJSON, closes, 1499);
    expect(restored).toEqual(uninterrupted);
  });
});
