import { describe, expect, it } from "vitest";
import { AGENT_NAMES, type AgentWeights } from "../../../src/lib/agents/types";
import { DEFAULT_SYNTHESIZER_CONFIG as CFG, SynthesizerConfigSchema } from "../../../src/lib/synthesize/config";
import { synthesize } from "../../../src/lib/synthesize/synthesize";
import { regime, score } from "./support";

const W: AgentWeights = CFG.defaultWeights;
const TREND = regime("trending_up");

describe("synthesizer weighted vote", () => {
  it("is the weighted mean over all voting agents, by hand", () => {
    const scores = [score("quant", 0.6), score("market", 0.5), score("momentum", 0.4), score("sentiment", -0.2), score("regime", 0.7), score("derivatives", -0.9)];
    const r = synthesize(scores, W, CFG, TREND);
    // derivatives has weight 0: the others sum to 1.
    const expected = 0.35 * 0.6 + 0.24 * 0.5 + 0.18 * 0.4 + 0.12 * -0.2 + 0.11 * 0.7;
    expect(r.score).toBeCloseTo(expected, 12); // 0.455
    expect(r.action).toBe("BUY");
    expect(r.agreeing).toBe(4);
    expect(r.active).toEqual(["quant", "market", "momentum", "sentiment", "regime"]);
    expect(r.contributions.derivatives).toMatchObject({ voting: false, status: "zero weight", normalizedWeight: 0 });
    expect(r.contributions.quant.contribution).toBeCloseTo(0.21, 12);
  });

  it("renormalises the weights over the active agents", () => {
    const scores = [score("quant", 0.5), score("market", 0.4), score("momentum", 0.3), score("sentiment", 0, false), score("regime", 0, false), score("derivatives", 0, false)];
    const r = synthesize(scores, W, CFG, TREND);
    const expected = (0.35 * 0.5 + 0.24 * 0.4 + 0.18 * 0.3) / (0.35 + 0.24 + 0.18);
    expect(r.score).toBeCloseTo(expected, 12); // 0.4221, a BUY; without renormalising it would be 0.325, a HOLD
    expect(r.action).toBe("BUY");
    expect(r.contributions.quant.normalizedWeight).toBeCloseTo(0.35 / 0.77, 12);
    expect(r.contributions.sentiment).toMatchObject({ voting: false, status: "inactive: test" });
  });

  it("treats a missing agent like an inactive one", () => {
    const r = synthesize([score("quant", -0.5), score("market", -0.3)], W, CFG, null);
    expect(r.score).toBeCloseTo((0.35 * -0.5 + 0.24 * -0.3) / 0.59, 12);
    expect(r.action).toBe("SELL");
    expect(r.contributions.sentiment.status).toBe("missing");
  });

  it("counts a learned derivatives weight once it is positive", () => {
    const weights = { ...W, derivatives: 0.2 };
    const r = synthesize([score("quant", 0.3), score("market", 0.1), score("derivatives", 0.9)], weights, CFG, null);
    expect(r.score).toBeCloseTo((0.35 * 0.3 + 0.24 * 0.1 + 0.2 * 0.9) / 0.79, 12);
  });

  it("holds when no agent votes", () => {
    const r = synthesize(
      AGENT_NAMES.map((a) => score(a, 0, false)),
      W,
      CFG,
      TREND,
    );
    expect(r).toMatchObject({ score: 0, action: "HOLD", agreeing: 0, active: [] });
  });
});

describe("synthesizer thresholds", () => {
  // Two equally weighted voters make the score the mean of two numbers, so boundaries are exact.
  const eq: AgentWeights = { quant: 1, market: 1, momentum: 0, sentiment: 0, regime: 0, derivatives: 0 };
  const run = (a: number, b: number) => synthesize([score("quant", a), score("market", b)], eq, CFG, null);

  it("buys only strictly above 0.35 and sells only strictly below −0.2", () => {
    expect(run(0.35, 0.35)).toMatchObject({ score: 0.35, action: "HOLD" });
    expect(run(0.375, 0.375).action).toBe("BUY");
    expect(run(-0.2, -0.2)).toMatchObject({ score: -0.2, action: "HOLD" });
    expect(run(-0.25, -0.25).action).toBe("SELL");
    expect(run(0.1, -0.1)).toMatchObject({ action: "HOLD", score: 0 });
  });

  it("uses the configured thresholds", () => {
    const cfg = SynthesizerConfigSchema.parse({ buyThreshold: 0.1, sellThreshold: -0.05 });
    expect(synthesize([score("quant", 0.15), score("market", 0.15)], eq, cfg, null).action).toBe("BUY");
    expect(synthesize([score("quant", -0.1), score("market", -0.1)], eq, cfg, null).action).toBe("SELL");
  });
});

describe("synthesizer agreement", () => {
  it("holds a BUY-level score that only one agent supports", () => {
    const r = synthesize([score("quant", 1), score("market", -0.1)], W, CFG, null);
    expect(r.score).toBeCloseTo((0.35 - 0.024) / 0.59, 12); // 0.5525 > 0.35
    expect(r).toMatchObject({ action: "HOLD", agreeing: 1 });
    expect(r.reason).toMatch(/only 1 agreeing/);
  });

  it("buys once a second agent agrees, and with minAgreeing 3 needs a third", () => {
    const scores = [score("quant", 1), score("market", 0.1)];
    expect(synthesize(scores, W, CFG, null)).toMatchObject({ action: "BUY", agreeing: 2 });
    const strict = SynthesizerConfigSchema.parse({ minAgreeing: 3 });
    expect(synthesize(scores, W, strict, null).action).toBe("HOLD");
    expect(synthesize([...scores, score("sentiment", 0.05)], W, strict, null)).toMatchObject({ action: "BUY", agreeing: 3 });
  });

  it("needs agreeing sellers for a SELL; a zero score agrees with neither side", () => {
    expect(synthesize([score("quant", -0.8), score("market", 0)], W, CFG, null)).toMatchObject({ action: "HOLD", agreeing: 1 });
    expect(synthesize([score("quant", -0.8), score("market", -0.01)], W, CFG, null)).toMatchObject({ action: "SELL", agreeing: 2 });
  });

  it("does not let a zero-weight agent make up the agreement", () => {
    const r = synthesize([score("quant", 0.9), score("derivatives", 0.9)], W, CFG, null);
    expect(r.score).toBeCloseTo(0.9, 12);
    expect(r).toMatchObject({ action: "HOLD", agreeing: 1 });
  });
});

describe("synthesizer with regime activation", () => {
  const scores = [score("quant", 0.2), score("market", 0.3), score("momentum", 0.9), score("regime", 0.6)];

  it("lets momentum and regime vote in a confident trend", () => {
    const r = synthesize(scores, W, CFG, regime("trending_up", "normal", 0.8));
    expect(r.active).toEqual(["quant", "market", "momentum", "regime"]);
    expect(r.score).toBeCloseTo((0.35 * 0.2 + 0.24 * 0.3 + 0.18 * 0.9 + 0.11 * 0.6) / 0.88, 12);
    expect(r.action).toBe("BUY");
  });

  it("silences momentum in a range, which turns the BUY into a HOLD", () => {
    const r = synthesize(scores, W, CFG, regime("ranging", "normal", 0.8));
    expect(r.active).toEqual(["quant", "market", "regime"]);
    expect(r.contributions.momentum).toMatchObject({ voting: false, status: "not active in this regime" });
    expect(r.score).toBeCloseTo((0.35 * 0.2 + 0.24 * 0.3 + 0.11 * 0.6) / 0.7, 12);
    expect(r.action).toBe("HOLD");
  });

  it("silences the regime agent when the regime is unsure", () => {
    const r = synthesize(scores, W, CFG, regime("trending_up", "normal", 0.3));
    expect(r.active).toEqual(["quant", "market", "momentum"]);
  });

  it("rejects scores of another ticker or a duplicated agent", () => {
    expect(() => synthesize([score("quant", 0.1), score("market", 0.1, true, "ETH/USDT")], W, CFG, null)).toThrow(/mix/);
    expect(() => synthesize([score("quant", 0.1), score("quant", 0.2)], W, CFG, null)).toThrow(/two scores/);
    expect(() => synthesize([], W, CFG, null)).toThrow(/no agent scores/);
    expect(() => synthesize([score("quant", 0.1)], { ...W, market: -1 }, CFG, null)).toThrow(/weight/);
  });
});
