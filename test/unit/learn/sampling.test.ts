import { describe, expect, it } from "vitest";
import { AGENT_NAMES } from "../../../src/lib/agents/types";
import {
  DEFAULT_AGENT_WEIGHTS,
  DEFAULT_LEARNER_CONFIG,
  emptyLearnerState,
  meanWeights,
  recordOutcome,
  sampleBeta,
  sampleGamma,
  sampleNormal,
  sampleWeights,
  type LearnerState,
} from "../../../src/lib/learn";
import { seededRng, seedFrom } from "../../../src/lib/util/rng";

const cfg = DEFAULT_LEARNER_CONFIG;
const N = 20_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < N; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
  }
  const mean = sum / N;
  return { mean, variance: sq / N - mean * mean };
}

describe("samplers", () => {
  it("normal (Box–Muller): mean 0, variance 1", () => {
    const rng = seededRng(1);
    const m = moments(() => sampleNormal(rng));
    expect(Math.abs(m.mean)).toBeLessThan(0.03);
    expect(m.variance).toBeCloseTo(1, 1);
  });

  it.each([0.2, 0.7, 1, 3.5])("gamma(%s): mean and variance equal the shape", (k) => {
    const rng = seededRng(seedFrom(`gamma-${k}`));
    const m = moments(() => sampleGamma(k, rng));
    expect(Math.abs(m.mean - k)).toBeLessThan(4 * Math.sqrt(k / N) + 0.01);
    expect(Math.abs(m.variance / k - 1)).toBeLessThan(0.1);
  });

  // Shapes < 1 go through the boost; (0.05, 0.05) would underflow without log space.
  it.each([
    [1, 1],
    [2, 5],
    [5, 2],
    [0.5, 0.5],
    [0.3, 2],
    [2, 0.3],
    [0.05, 0.05],
    [20, 3],
  ])("beta(%s, %s): sample mean and variance within tolerance", (a, b) => {
    const rng = seededRng(seedFrom(`beta-${a}-${b}`));
    let outside = 0;
    const m = moments(() => {
      const x = sampleBeta(a, b, rng);
      if (!(x >= 0 && x <= 1)) outside++;
      return x;
    });
    expect(outside).toBe(0);
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    // Four standard errors of the sample mean; 5 % relative error on the variance.
    expect(Math.abs(m.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / N));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.05);
  });

  it("rejects a non-positive shape", () => {
    expect(() => sampleGamma(0, seededRng(1))).toThrow(RangeError);
    expect(() => sampleBeta(1, Number.NaN, seededRng(1))).toThrow(RangeError);
  });
});

describe("sampleWeights", () => {
  const trained: LearnerState = Array.from({ length: 8 }, (_, i) => i).reduce(
    (s, i) => recordOutcome(s, { tradeId: `t${i}`, regime: i % 2 ? "ranging" : "trending_up", signals: { quant: 0.6, momentum: -0.5, market: 0.2 }, pnlPct: i % 3 ? 0.04 : -0.02 }, cfg),
    emptyLearnerState(AGENT_NAMES, cfg),
  );

  it("returns the default weights, drawing nothing, below minTradesForWeights", () => {
    let s = emptyLearnerState(AGENT_NAMES, cfg);
    for (let i = 0; i < cfg.minTradesForWeights - 1; i++) s = recordOutcome(s, { tradeId: `d${i}`, regime: null, signals: { quant: 1 }, pnlPct: 0.1 }, cfg);
    let draws = 0;
    const rng = { next: () => (draws++, 0.5) };
    const r = sampleWeights(s, null, AGENT_NAMES, rng, cfg);
    expect(r).toEqual({ weights: DEFAULT_AGENT_WEIGHTS, samples: {}, source: "defaults" });
    expect(draws).toBe(0);
    // Over a subset, the defaults are renormalised.
    const sub = sampleWeights(s, null, ["quant", "market"], rng, cfg).weights;
    expect(sub.quant).toBeCloseTo(0.35 / 0.59, 12);
    expect(sub.market).toBeCloseTo(0.24 / 0.59, 12);
    expect(sub.momentum).toBe(0);
    // At the threshold, the learner takes over.
    s = recordOutcome(s, { tradeId: "last", regime: null, signals: { quant: 1 }, pnlPct: 0.1 }, cfg);
    expect(sampleWeights(s, null, AGENT_NAMES, seededRng(3), cfg).source).toBe("global");
  });

  it("same seed → same weights; another seed → other weights", () => {
    const a = sampleWeights(trained, "ranging", AGENT_NAMES, seededRng(seedFrom("main-d42")), cfg);
    const b = sampleWeights(trained, "ranging", AGENT_NAMES, seededRng(seedFrom("main-d42")), cfg);
    const c = sampleWeights(trained, "ranging", AGENT_NAMES, seededRng(seedFrom("main-d43")), cfg);
    expect(a).toEqual(b);
    expect(a.source).toBe("regime");
    expect(c.weights).not.toEqual(a.weights);
    const total = Object.values(a.samples).reduce((t, x) => t + x, 0);
    for (const agent of AGENT_NAMES) expect(a.weights[agent]).toBeCloseTo(a.samples[agent]! / total, 12);
  });

  it("averaged over many draws, sampled weights rank agents like the mean weights", () => {
    const rng = seededRng(7);
    const avg = { quant: 0, momentum: 0 };
    for (let i = 0; i < 2_000; i++) {
      const w = sampleWeights(trained, null, AGENT_NAMES, rng, cfg).weights;
      avg.quant += w.quant / 2_000;
      avg.momentum += w.momentum / 2_000;
    }
    const mean = meanWeights(trained, null, AGENT_NAMES, cfg);
    expect(mean.means.quant!).toBeGreaterThan(mean.means.momentum!);
    expect(avg.quant).toBeGreaterThan(avg.momentum);
  });
});
