import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENT_NAMES, type AgentName } from "../../../src/lib/agents/types";
import { effectivePosterior, emptyLearnerState, meanWeights, posteriorMean, recordOutcome, sampleWeights, type TradeOutcome } from "../../../src/lib/learn";
import { seededRng } from "../../../src/lib/util/rng";
import { REGIMES, allPosteriors, cfg, cfgArb, outcomeArb, outcomesArb, pnlArb, replay } from "./arbitraries";

const agentArb = fc.constantFrom(...AGENT_NAMES);
const nonZeroPnl = pnlArb.filter((p) => p !== 0);
const magnitude = fc.double({ min: 0.01, max: 1, noNaN: true });

describe("learner properties", () => {
  it("posterior means stay in (0, 1) and parameters positive and finite for any sequence", () => {
    fc.assert(
      fc.property(cfgArb, outcomesArb(80), (c, outcomes) => {
        for (const p of allPosteriors(replay(outcomes, c))) {
          expect(Number.isFinite(p.alpha) && p.alpha > 0 && Number.isFinite(p.beta) && p.beta > 0).toBe(true);
          const m = posteriorMean(p);
          expect(m > 0 && m < 1).toBe(true);
        }
      }),
    );
  });

  it("an always-right agent ends above the prior mean, an always-wrong one below, and outweighs it", () => {
    fc.assert(
      fc.property(agentArb, agentArb, fc.array(fc.tuple(nonZeroPnl, magnitude, magnitude), { minLength: cfg.minTradesForWeights, maxLength: 60 }), (right, wrong, trades) => {
        fc.pre(right !== wrong);
        const outcomes = trades.map(([pnl, m1, m2], i): TradeOutcome => ({
          tradeId: `t${i}`,
          regime: "ranging",
          signals: { [right]: Math.sign(pnl) * m1, [wrong]: -Math.sign(pnl) * m2 },
          pnlPct: pnl,
        }));
        const s = replay(outcomes);
        const mRight = posteriorMean(s.global[right]!);
        const mWrong = posteriorMean(s.global[wrong]!);
        expect(mRight).toBeGreaterThan(0.5);
        expect(mWrong).toBeLessThan(0.5);
        for (const regime of [null, "ranging"]) {
          const w = meanWeights(s, regime, AGENT_NAMES, cfg);
          expect(w.source).not.toBe("defaults");
          expect(w.weights[right]).toBeGreaterThan(w.weights[wrong]);
        }
      }),
    );
  });

  it("with a constant |pnl|, every win raises the agent's mean and every miss lowers it", () => {
    fc.assert(
      fc.property(agentArb, fc.double({ min: 0.001, max: 0.5, noNaN: true }), fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (agent, size, wins) => {
        let s = emptyLearnerState(AGENT_NAMES, cfg);
        wins.forEach((win, i) => {
          const before = posteriorMean(s.global[agent]!);
          s = recordOutcome(s, { tradeId: `t${i}`, regime: null, signals: { [agent]: 1 }, pnlPct: win ? size : -size }, cfg);
          const after = posteriorMean(s.global[agent]!);
          if (win) expect(after).toBeGreaterThan(before);
          else expect(after).toBeLessThan(before);
        });
      }),
    );
  });

  it("the discount bounds the memory: α + β < prior + 2·maxReward/(1 − γ) (and even < prior + maxReward/(1 − γ))", () => {
    fc.assert(
      fc.property(cfgArb, agentArb, fc.array(fc.tuple(nonZeroPnl, fc.boolean()), { minLength: 1, maxLength: 400 }), (c, agent, trades) => {
        const maxReward = 1; // the sigmoid stays below 1
        const priorSum = c.prior.alpha + c.prior.beta;
        let s = emptyLearnerState(AGENT_NAMES, c);
        trades.forEach(([pnl, agree], i) => {
          s = recordOutcome(s, { tradeId: `t${i}`, regime: "volatile", signals: { [agent]: agree ? Math.sign(pnl) : -Math.sign(pnl) }, pnlPct: pnl }, c);
          const p = s.global[agent]!;
          expect(p.alpha + p.beta).toBeLessThan(priorSum + (2 * maxReward) / (1 - c.discount));
          expect(p.alpha + p.beta).toBeLessThanOrEqual(priorSum + maxReward / (1 - c.discount) + 1e-9);
        });
      }),
    );
  });

  it("a long winning streak saturates near prior + maxReward/(1 − γ)", () => {
    let s = emptyLearnerState(AGENT_NAMES, cfg);
    for (let i = 0; i < 500; i++) s = recordOutcome(s, { tradeId: `t${i}`, regime: null, signals: { quant: 1 }, pnlPct: 10 }, cfg);
    expect(s.global.quant!.alpha).toBeCloseTo(1 + 1 / (1 - 0.95), 3); // ≈ 21
    expect(s.global.quant!.beta).toBe(1);
  });

  it("regime fallback switches exactly at regimeMinTrades (2 → global, 3 → regime)", () => {
    fc.assert(
      fc.property(outcomesArb(30), fc.array(outcomeArb, { minLength: 5, maxLength: 5 }), fc.constantFrom(...REGIMES), agentArb, (background, inRegime, regime, agent) => {
        // Background trades never touch `regime`; then up to 5 trades in it.
        const others = background.map((o) => ({ ...o, regime: o.regime === regime ? null : o.regime }));
        let s = replay(others);
        for (let k = 0; k <= 5; k++) {
          const e = effectivePosterior(s, agent, regime, cfg);
          const bucket = s.byRegime[regime];
          expect(bucket?.trades ?? 0).toBe(k);
          if (k < cfg.regimeMinTrades) {
            expect(e.source).toBe("global");
            expect(e.posterior).toEqual(s.global[agent]);
          } else {
            expect(e.source).toBe("regime");
            expect(e.posterior).toEqual(bucket!.posteriors[agent] ?? { alpha: 1, beta: 1, updates: 0 });
          }
          if (k < 5) s = recordOutcome(s, { ...inRegime[k]!, tradeId: `r${k}`, regime }, cfg);
        }
      }),
    );
  });

  it("recording the same tradeId twice equals recording it once", () => {
    fc.assert(
      fc.property(outcomesArb(40), outcomeArb, fc.nat(), outcomeArb, (outcomes, o, at, variant) => {
        const s = replay(outcomes);
        const once = recordOutcome(s, { ...o, tradeId: "dup" }, cfg);
        expect(recordOutcome(once, { ...o, tradeId: "dup" }, cfg)).toEqual(once);
        // A different outcome under an id already recorded changes nothing either.
        expect(recordOutcome(once, { ...variant, tradeId: "dup" }, cfg)).toBe(once);
        if (outcomes.length > 0) {
          const old = outcomes[at % outcomes.length]!;
          expect(recordOutcome(s, old, cfg)).toBe(s);
        }
      }),
    );
  });

  it("weights sum to 1 over the given agents, are non-negative, and are 0 for others", () => {
    fc.assert(
      fc.property(
        cfgArb,
        outcomesArb(40),
        fc.oneof(fc.constantFrom<string | null>(...REGIMES, "never_seen"), fc.constant(null)),
        fc.subarray([...AGENT_NAMES], { minLength: 1 }),
        fc.integer(),
        (c, outcomes, regime, agents, seed) => {
          const s = replay(outcomes, c);
          const results = [sampleWeights(s, regime, agents, seededRng(seed), c), meanWeights(s, regime, agents, c)];
          for (const { weights, source } of results) {
            expect(source).toBe(s.trades < c.minTradesForWeights ? "defaults" : effectivePosterior(s, agents[0]!, regime, c).source);
            const total = agents.reduce((t, a) => t + weights[a], 0);
            expect(total).toBeCloseTo(1, 12);
            for (const a of AGENT_NAMES) {
              expect(weights[a]).toBeGreaterThanOrEqual(0);
              if (!agents.includes(a as AgentName)) expect(weights[a]).toBe(0);
            }
          }
        },
      ),
    );
  });
});
