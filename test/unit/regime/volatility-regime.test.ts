import { describe, expect, it } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import { volatilityRegime } from "../../../src/lib/regime/index";

/** Closes whose log returns alternate −r, +r, so every 20-return window has mean 0 and std r·√(20/19). */
function alternating(start: number, r: number, n: number): number[] {
  const out = [start];
  for (let i = 0; i < n; i++) out.push(out.at(-1)! * Math.exp(i % 2 ? r : -r));
  return out;
}

// Independent reference: sample std of log returns × √365, ranked among the previous `lookback` values.
function naiveVol(closes: readonly number[], end: number): number {
  const rets: number[] = [];
  for (let i = end - 19; i <= end; i++) rets.push(Math.log(closes[i]! / closes[i - 1]!));
  const m = rets.reduce((a, b) => a + b, 0) / 20;
  return Math.sqrt((rets.reduce((a, b) => a + (b - m) ** 2, 0) / 19) * 365);
}

describe("volatility regime", () => {
  it("classifies by fixed annualised thresholds, by hand", () => {
    const expected = 0.01 * Math.sqrt((20 / 19) * 365); // ≈ 19.6 %
    const calm = volatilityRegime(alternating(100, 0.01, 20), { method: "fixed" });
    expect(calm.realizedVol).toBeCloseTo(expected, 12);
    expect(calm).toMatchObject({ state: "calm", method: "fixed", percentile: null });
    expect(calm.margin).toBeCloseTo((0.4 - expected) / 0.4, 10);
    const wild = volatilityRegime(alternating(100, 0.05, 20), { method: "fixed" });
    expect(wild.state).toBe("volatile");
    expect(wild.margin).toBeCloseTo((5 * expected - 0.8) / 0.8, 10);
    const mid = volatilityRegime(alternating(100, 0.03, 20), { method: "fixed" }); // ≈ 58.8 %
    expect(mid.state).toBe("normal");
    expect(mid.margin).toBeCloseTo(Math.min(3 * expected - 0.4, 0.8 - 3 * expected) / 0.2, 10);
  });

  it("ranks the current volatility among its own last year: a jump is volatile, a lull calm", () => {
    const jump = alternating(100, 0.01, 150);
    jump.push(...alternating(jump.at(-1)!, 0.04, 10).slice(1));
    const j = volatilityRegime(jump);
    expect(j).toMatchObject({ state: "volatile", method: "percentile", percentile: 1, margin: 1 });
    const lull = alternating(100, 0.04, 150);
    lull.push(...alternating(lull.at(-1)!, 0.005, 20).slice(1)); // only the last window is all lull
    expect(volatilityRegime(lull)).toMatchObject({ state: "calm", percentile: 0, margin: 1 });
  });

  it("counts equal history as half below: a constant volatility sits at the 50th percentile", () => {
    const r = volatilityRegime(alternating(100, 0.01, 200));
    expect(r.percentile).toBe(0.5);
    expect(r.state).toBe("normal");
    expect(r.margin).toBeCloseTo(1, 12);
  });

  it("falls back to the fixed thresholds while history is short, and assumes normal with too few closes", () => {
    const short = volatilityRegime(alternating(100, 0.05, 40));
    expect(short).toMatchObject({ method: "fixed", state: "volatile", percentile: null });
    expect(short.reason).toMatch(/fixed thresholds/);
    expect(volatilityRegime(alternating(100, 0.05, 19))).toMatchObject({ state: "normal", realizedVol: null, margin: 0 });
  });

  it("matches an independent percentile computation on real BTC daily windows, all three states occurring", () => {
    const closes = loadCandles("BTCUSDT", "1d").map((c) => c.c);
    const seen = new Set<string>();
    let compared = 0;
    for (let end = 100; end < closes.length; end += 17) {
      const r = volatilityRegime(closes.slice(0, end + 1));
      const vol = naiveVol(closes, end);
      const history: number[] = [];
      for (let i = Math.max(20, end - 365); i < end; i++) history.push(naiveVol(closes, i));
      const below = history.filter((v) => v < vol * (1 - 1e-9)).length;
      const ties = history.filter((v) => Math.abs(v - vol) <= vol * 1e-9).length;
      const pct = (below + ties / 2) / history.length;
      expect(r.realizedVol!).toBeCloseTo(vol, 10);
      expect(r.percentile!).toBeCloseTo(pct, 12);
      expect(r.state).toBe(pct < 0.33 ? "calm" : pct > 0.67 ? "volatile" : "normal");
      seen.add(r.state);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect([...seen].sort()).toEqual(["calm", "normal", "volatile"]);
  });
});
