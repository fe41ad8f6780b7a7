import { describe, expect, it } from "vitest";
import { regimeAgent } from "../../../src/lib/agents/regime-agent";
import type { CombinedRegime, MacroQuadrant, TrendState, VolatilityState } from "../../../src/lib/regime/types";
import { loadCandles } from "../../../sim/data/candles";
import { expectClose } from "./support";

const EXPOSURE: Record<MacroQuadrant, number> = { GOLDILOCKS: 1.2, REFLATION: 1, STAGFLATION: 0.6, DEFLATION: 0.9, UNKNOWN: 1 };

function regime(trend: TrendState, volatility: VolatilityState, confidence: number, macro: MacroQuadrant = "UNKNOWN"): CombinedRegime {
  return { trend, volatility, hmmState: null, hmmStates: null, macro, exposureScale: EXPOSURE[macro], trailMultiplier: 1, learnerKey: trend, confidence, inputs: {}, at: 0 };
}

describe("regime agent", () => {
  it("scores clamp(trend + volatility + macro bias) × confidence for regimes read off real ETH daily data", () => {
    const c = loadCandles("ETHUSDT", "1d");
    const macros: MacroQuadrant[] = ["GOLDILOCKS", "REFLATION", "STAGFLATION", "DEFLATION", "UNKNOWN"];
    const seen = new Set<string>();
    for (let i = 400; i < c.length; i += 5) {
      // A naive regime: 30-day return for the trend, 20-day close-to-close volatility for the state.
      const r30 = c[i]!.c / c[i - 30]!.c - 1;
      const logs = Array.from({ length: 20 }, (_, k) => Math.log(c[i - k]!.c / c[i - k - 1]!.c));
      const mean = logs.reduce((a, b) => a + b, 0) / 20;
      const vol = Math.sqrt((logs.reduce((a, b) => a + (b - mean) ** 2, 0) / 19) * 365);
      const trend: TrendState = r30 > 0.1 ? "trending_up" : r30 < -0.1 ? "trending_down" : "ranging";
      const volatility: VolatilityState = vol < 0.45 ? "calm" : vol > 0.9 ? "volatile" : "normal";
      const confidence = Math.min(1, Math.abs(r30) / 0.25 + 0.2);
      const macro = macros[(i / 5) % macros.length]!;
      const t = trend === "trending_up" ? 1 : trend === "trending_down" ? -1 : 0;
      const v = volatility === "volatile" ? -0.5 : 0;
      const m = 0.5 * (EXPOSURE[macro] - 1);
      const expected = Math.max(-1, Math.min(1, t + v + m)) * confidence;
      const s = regimeAgent("ETH/USDT", regime(trend, volatility, confidence, macro));
      expect(s.active).toBe(true);
      expectClose(s.score, expected, `${trend}/${volatility}/${macro} at ${i}`);
      seen.add(`${trend}/${volatility}`);
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });

  it("is positive trending up, negative trending down, about 0 ranging, and pulled down when volatile", () => {
    expect(regimeAgent("X", regime("trending_up", "normal", 0.8)).score).toBeCloseTo(0.8, 12);
    expect(regimeAgent("X", regime("trending_down", "normal", 0.8)).score).toBeCloseTo(-0.8, 12);
    expect(regimeAgent("X", regime("ranging", "normal", 0.8)).score).toBe(0);
    expect(regimeAgent("X", regime("trending_up", "volatile", 0.8)).score).toBeCloseTo(0.4, 12);
    expect(regimeAgent("X", regime("ranging", "volatile", 0.8)).score).toBeCloseTo(-0.4, 12);
    expect(regimeAgent("X", regime("trending_down", "volatile", 1)).score).toBe(-1);
  });

  it("says less the less sure the regime is", () => {
    expect(regimeAgent("X", regime("trending_up", "calm", 0.25)).score).toBeCloseTo(0.25, 12);
    expect(regimeAgent("X", regime("trending_up", "calm", 0)).score).toBe(0);
  });

  it("is inactive without a regime", () => {
    expect(regimeAgent("X", null)).toMatchObject({ agent: "regime", active: false, score: 0 });
  });
});
