import { regimeEdge } from "../../../src/lib/learn/edge";
import { describe, expect, it } from "vitest";
import { AGENT_NAMES } from "../../../src/lib/agents/types";
import { DEFAULT_LEARNER_CONFIG, LearnerConfigSchema, LearnerStateSchema, alignment, emptyLearnerState, outcomeReward, recordOutcome, type LearnerState } from "../../../src/lib/learn";

const cfg = DEFAULT_LEARNER_CONFIG;

describe("learner config", () => {
  it("has the seed's defaults", () => {
    expect(LearnerConfigSchema.parse({})).toEqual({
      discount: 0.95,
      regimeMinTrades: 3,
      minTradesForWeights: 5,
      prior: { alpha: 1, beta: 1 },
      rewardScale: 10,
      recordLimit: 500,
    });
  });

  it("rejects a discount outside (0, 1] and a non-positive prior", () => {
    expect(LearnerConfigSchema.safeParse({ discount: 0 }).success).toBe(false);
    expect(LearnerConfigSchema.safeParse({ discount: 1.01 }).success).toBe(false);
    expect(LearnerConfigSchema.safeParse({ prior: { alpha: 0, beta: 1 } }).success).toBe(false);
  });
});

describe("outcome reward (sigmoid of |pnl| × 10)", () => {
  it.each([
    [0, 0.5],
    [0.05, 0.6224593312018546], // 1 / (1 + e^−0.5)
    [-0.05, 0.6224593312018546], // the sign does not matter
    [-0.1, 0.7310585786300049], // 1 / (1 + e^−1)
    [0.2, 0.8807970779778823], // 1 / (1 + e^−2)
    [1, 0.9999546021312976], // 1 / (1 + e^−10)
  ])("pnl %s → %s", (pnl, reward) => {
    expect(outcomeReward(pnl, cfg)).toBeCloseTo(reward, 14);
  });

  it("classifies agreement, and learns nothing from a neutral signal or a breakeven trade", () => {
    expect(alignment(0.7, 0.05)).toBe("agree");
    expect(alignment(-0.3, -0.02)).toBe("agree");
    expect(alignment(0.7, -0.05)).toBe("disagree");
    expect(alignment(-0.3, 0.02)).toBe("disagree");
    expect(alignment(0, 0.05)).toBeNull();
    expect(alignment(0.5, 0)).toBeNull();
    expect(alignment(Number.NaN, 0.05)).toBeNull();
  });
});

describe("recordOutcome by hand", () => {
  /*
   * Prior Beta(1, 1), γ = 0.95.
   * t1: pnl +5 %, reward r1 = 1/(1+e^−0.5) = 0.6224593312.
   *   quant +0.7 agrees:     α = 1 + 0.95·(1 − 1) + r1 = 1.6224593312, β = 1
   *   momentum −0.4 disagrees: α = 1, β = 1 + 0.95·0 + r1 = 1.6224593312
   *   sentiment 0: untouched (still the prior, 0 updates).
   * t2: pnl −10 %, reward r2 = 1/(1+e^−1) = 0.7310585786.
   *   quant +0.5 disagrees:  α = 1 + 0.95·0.6224593312 = 1.5913363646, β = 1 + 0.95·0 + r2 = 1.7310585786
   *   momentum −0.2 agrees:  α = 1 + 0.95·0 + r2 = 1.7310585786, β = 1 + 0.95·0.6224593312 = 1.5913363646
   */
  const s0 = emptyLearnerState(AGENT_NAMES, cfg);
  const s1 = recordOutcome(s0, { tradeId: "t1", regime: "trending_up", signals: { quant: 0.7, momentum: -0.4, sentiment: 0 }, pnlPct: 0.05 }, cfg);
  const s2 = recordOutcome(s1, { tradeId: "t2", regime: "trending_up", signals: { quant: 0.5, momentum: -0.2 }, pnlPct: -0.1 }, cfg);

  it("one update", () => {
    expect(s1.global.quant).toEqual({ alpha: expect.closeTo(1.6224593312, 9), beta: 1, updates: 1 });
    expect(s1.global.momentum).toEqual({ alpha: 1, beta: expect.closeTo(1.6224593312, 9), updates: 1 });
    expect(s1.global.sentiment).toEqual({ alpha: 1, beta: 1, updates: 0 });
    // The bucket also tallies the trade for Kelly sizing: one winner of +5 %.
    expect(s1.byRegime.trending_up).toEqual({ trades: 1, posteriors: { quant: s1.global.quant, momentum: s1.global.momentum }, tallied: 1, wins: 1, gain: 0.05, loss: 0 });
    expect(s1.trades).toBe(1);
    expect(s1.recorded).toEqual(["t1"]);
  });

  it("a second update discounts the first", () => {
    expect(s2.global.quant).toEqual({ alpha: expect.closeTo(1.5913363646, 9), beta: expect.closeTo(1.7310585786, 9), updates: 2 });
    expect(s2.global.momentum).toEqual({ alpha: expect.closeTo(1.7310585786, 9), beta: expect.closeTo(1.5913363646, 9), updates: 2 });
    expect(s2.byRegime.trending_up!.trades).toBe(2);
    // A winner of +5 % and a loser of −10 %: win rate ½, payoff 0.05 / 0.1.
    expect(regimeEdge(s2, "trending_up")).toEqual({ trades: 2, winRate: 0.5, payoff: 0.5 });
    expect(regimeEdge(s2, "ranging")).toBeNull();
  });

  it("does not change its input", () => {
    expect(s0).toEqual(emptyLearnerState(AGENT_NAMES, cfg));
    expect(s1.global.quant!.updates).toBe(1);
  });

  it("punishes a big loss more than a small one (β += reward, not the seed's β += 1 − reward)", () => {
    const small = recordOutcome(s0, { tradeId: "a", regime: null, signals: { quant: 1 }, pnlPct: -0.01 }, cfg);
    const big = recordOutcome(s0, { tradeId: "a", regime: null, signals: { quant: 1 }, pnlPct: -0.3 }, cfg);
    expect(big.global.quant!.beta).toBeGreaterThan(small.global.quant!.beta);
  });

  it("a null regime updates only the global posteriors; a non-finite pnl is ignored", () => {
    const g = recordOutcome(s0, { tradeId: "g", regime: null, signals: { quant: 1 }, pnlPct: 0.1 }, cfg);
    expect(g.byRegime).toEqual({});
    expect(g.trades).toBe(1);
    expect(recordOutcome(s0, { tradeId: "n", regime: "x", signals: { quant: 1 }, pnlPct: Number.NaN }, cfg)).toBe(s0);
  });

  it("a posterior missing from a saved state starts at the prior", () => {
    const old: LearnerState = { global: { quant: { alpha: 1, beta: 1, updates: 0 } }, byRegime: {}, trades: 0, recorded: [] };
    const s = recordOutcome(old, { tradeId: "d", regime: null, signals: { derivatives: 0.4 }, pnlPct: 0.05 }, cfg);
    expect(s.global.derivatives).toEqual({ alpha: expect.closeTo(1.6224593312, 9), beta: 1, updates: 1 });
  });

  it("keeps only the last recordLimit ids", () => {
    const small = { ...cfg, recordLimit: 2 };
    let s = emptyLearnerState(AGENT_NAMES, small);
    for (const id of ["a", "b", "c"]) s = recordOutcome(s, { tradeId: id, regime: null, signals: {}, pnlPct: 0.01 }, small);
    expect(s.recorded).toEqual(["b", "c"]);
    expect(s.trades).toBe(3);
  });

  it("is plain JSON that the state schema accepts", () => {
    const copy = JSON.parse(JSON.stringify(s2)) as unknown;
    expect(copy).toEqual(s2);
    expect(LearnerStateSchema.parse(copy)).toEqual(s2);
    expect(LearnerStateSchema.safeParse({ ...s2, global: { oracle: { alpha: 1, beta: 1, updates: 0 } } }).success).toBe(false);
  });

  it("keeps a regime named __proto__ as a key, not a prototype", () => {
    const s = recordOutcome(s2, { tradeId: "p", regime: "__proto__", signals: { quant: 1 }, pnlPct: 0.02 }, cfg);
    expect(Object.getPrototypeOf(s.byRegime)).toBe(Object.prototype);
    expect(Object.keys(s.byRegime).sort()).toEqual(["__proto__", "trending_up"]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
