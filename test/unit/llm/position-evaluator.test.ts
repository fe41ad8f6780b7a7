import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { evaluatePosition, type ReviewFacts } from "../../../src/lib/exits/position-evaluator";

const base: ReviewFacts = {
  entryPrice: 100,
  peakPrice: 101,
  price: 100.5,
  heldMs: 3_600_000,
  entryRegime: "ranging",
  regime: "ranging",
  entryAtrPct: 1,
  atrPct: 1,
  entryMomentum: 0.01,
  momentum: 0.01,
  btcReturn1h: 0,
};
const cfg = DEFAULT_CONFIG.exits;

describe("5-signal position evaluator", () => {
  it("holds a quiet position with score 0", () => {
    expect(evaluatePosition(base, cfg)).toMatchObject({ action: "HOLD", score: 0 });
  });

  it("exits on a momentum flip plus a trend that ended: 0.25×(−0.7) + 0.25×(−0.8) = −0.375", () => {
    const r = evaluatePosition({ ...base, entryRegime: "trending", regime: "ranging", momentum: -0.01 }, cfg);
    expect(r.score).toBeCloseTo(-0.375, 12);
    expect(r.action).toBe("EXIT");
    expect(r.signals).toMatchObject({ regimeChange: -0.8, momentumReversal: -0.7 });
  });

  it("a volatility jump alone is a regime change but not an exit (−0.2)", () => {
    const r = evaluatePosition({ ...base, atrPct: 1.5 }, cfg);
    expect(r.score).toBeCloseTo(-0.2, 12);
    expect(r.action).toBe("HOLD");
  });

  it("exits when BTC falls 5% in an hour and profit evaporates: 0.2×(−0.9) + 0.15×(−0.6) + momentum −0.175", () => {
    const r = evaluatePosition({ ...base, peakPrice: 106, price: 100.5, momentum: -0.02, btcReturn1h: -0.05 }, cfg);
    expect(r.score).toBeCloseTo(0.2 * -0.9 + 0.15 * -0.6 + 0.25 * -0.7, 12);
    expect(r.action).toBe("EXIT");
  });

  it("adds on a strong trend with momentum, a rising market and gains near the peak", () => {
    const r = evaluatePosition({ ...base, entryRegime: "trending", regime: "trending", momentum: 0.05, btcReturn1h: 0.012, peakPrice: 105, price: 104.8 }, cfg);
    expect(r.score).toBeCloseTo(0.25 * 0.6 + 0.25 * 0.8 + 0.2 * 0.5 + 0.15 * 0.6, 12);
    expect(r.action).toBe("ADD");
  });

  it("time decay: stale and flat after two days", () => {
    expect(evaluatePosition({ ...base, heldMs: 49 * 3_600_000 }, cfg).signals.timeDecay).toBe(-0.5);
    expect(evaluatePosition({ ...base, heldMs: 47 * 3_600_000 }, cfg).signals.timeDecay).toBe(0);
  });
});
