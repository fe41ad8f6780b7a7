import { describe, expect, it } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import { classifyTrend, trendRegime } from "../../../src/lib/regime/index";

const small = { erPeriod: 4, maPeriod: 5, band: 0.02, trendingAt: 0.5 };

// Independent reference: textbook ER and SMA, written out here.
function reference(closes: readonly number[], erPeriod: number, maPeriod: number, band: number, trendingAt: number) {
  const n = closes.length;
  let path = 0;
  for (let i = n - erPeriod; i < n; i++) path += Math.abs(closes[i]! - closes[i - 1]!);
  const er = Math.abs(closes[n - 1]! - closes[n - 1 - erPeriod]!) / path;
  let sum = 0;
  for (let i = n - maPeriod; i < n; i++) sum += closes[i]!;
  const ma = sum / maPeriod;
  const distance = closes[n - 1]! / ma - 1;
  const state = er >= trendingAt && distance > band ? "trending_up" : er >= trendingAt && distance < -band ? "trending_down" : "ranging";
  return { er, ma, distance, state };
}

describe("trend regime", () => {
  it("trends up at an efficiency ratio exactly on the threshold with the close beyond the band, by hand", () => {
    // last 4 changes 102→101→104→103→106: net 4, path 1+3+1+3 = 8 → ER 0.5; SMA5 = 516/5 = 103.2
    const r = trendRegime([100, 102, 101, 104, 103, 106], small);
    expect(r.state).toBe("trending_up");
    expect(r.efficiencyRatio).toBeCloseTo(0.5, 12);
    expect(r.movingAverage).toBeCloseTo(103.2, 12);
    expect(r.distance).toBeCloseTo(106 / 103.2 - 1, 12);
    expect(r.margin).toBeCloseTo(0, 12); // ER has no room past its threshold
  });

  it("ranges when both the efficiency ratio and the MA distance fall short, with the larger shortfall as margin", () => {
    // 102→101→104→103→105: net 3, path 7 → ER 3/7; SMA5 = 515/5 = 103, distance 105/103 − 1 ≈ 1.94 %
    const r = trendRegime([100, 102, 101, 104, 103, 105], small);
    expect(r.state).toBe("ranging");
    expect(r.efficiencyRatio).toBeCloseTo(3 / 7, 12);
    expect(r.distance).toBeCloseTo(105 / 103 - 1, 12);
    expect(r.margin).toBeCloseTo(Math.max((0.5 - 3 / 7) / 0.5, (0.02 - (105 / 103 - 1)) / 0.02), 12);
  });

  it("trends down on a steady decline and up on a steady rise with full margin", () => {
    const up = Array.from({ length: 60 }, (_, i) => 100 + i);
    const down = up.map((v) => 300 - v);
    const u = trendRegime(up);
    expect(u.state).toBe("trending_up");
    expect(u.efficiencyRatio).toBe(1);
    expect(u.movingAverage).toBeCloseTo(134.5, 10); // mean of 110..159
    expect(u.margin).toBe(1);
    expect(trendRegime(down).state).toBe("trending_down");
  });

  it("ranges on an efficient drift too small to leave the band around the MA", () => {
    const drift = Array.from({ length: 60 }, (_, i) => 100 + 0.01 * i);
    const r = trendRegime(drift);
    expect(r.efficiencyRatio).toBeCloseTo(1, 9);
    expect(r.state).toBe("ranging");
    const distance = 100.59 / 100.345 - 1; // SMA50 of 100.10..100.59
    expect(r.distance).toBeCloseTo(distance, 10);
    expect(r.margin).toBeCloseTo((0.02 - distance) / 0.02, 8);
  });

  it("ranges on a choppy series far from its MA", () => {
    const chop = [...Array.from({ length: 50 }, () => 100), ...Array.from({ length: 15 }, (_, i) => (i % 2 ? 120 : 121))];
    const r = trendRegime(chop);
    expect(r.distance!).toBeGreaterThan(0.02);
    expect(r.efficiencyRatio!).toBeLessThan(0.3);
    expect(r.state).toBe("ranging");
  });

  it("assumes ranging with no numbers until the MA period is filled", () => {
    const r = trendRegime(Array.from({ length: 49 }, (_, i) => 100 + i));
    expect(r).toMatchObject({ state: "ranging", efficiencyRatio: null, movingAverage: null, distance: null, margin: 0 });
    expect(trendRegime([]).close).toBeNull();
  });

  it("matches an independent computation on real BTC daily windows, all three states occurring", () => {
    const closes = loadCandles("BTCUSDT", "1d").map((c) => c.c);
    const seen = new Set<string>();
    let compared = 0;
    for (let end = 60; end <= closes.length; end += 23) {
      const window = closes.slice(0, end);
      const r = trendRegime(window);
      const ref = reference(window, 14, 50, 0.02, 0.3);
      expect(r.efficiencyRatio!).toBeCloseTo(ref.er, 9);
      expect(r.movingAverage! / ref.ma).toBeCloseTo(1, 10);
      expect(r.distance!).toBeCloseTo(ref.distance, 9);
      expect(r.state).toBe(ref.state);
      seen.add(r.state);
      compared++;
    }
    expect(compared).toBeGreaterThan(90);
    expect([...seen].sort()).toEqual(["ranging", "trending_down", "trending_up"]);
  });

  it("leaves classifyTrend's trending/ranging answer as it was", () => {
    const up = Array.from({ length: 20 }, (_, i) => 100 + i);
    expect(classifyTrend(up, 14, 0.3)).toMatchObject({ regime: "trending", efficiencyRatio: 1 });
    expect(classifyTrend(up.slice(0, 10), 14, 0.3)).toMatchObject({ regime: "ranging", efficiencyRatio: null });
  });
});
