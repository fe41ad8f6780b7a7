import fc from "fast-check";
import { AGENT_NAMES, type AgentName } from "../../../src/lib/agents/types";
import { DEFAULT_LEARNER_CONFIG, emptyLearnerState, recordOutcome, type LearnerConfig, type LearnerState, type TradeOutcome } from "../../../src/lib/learn";

export const cfg = DEFAULT_LEARNER_CONFIG;
export const REGIMES = ["trending_up", "trending_down", "ranging", "volatile"] as const;

/** A signal in [−1, 1], often exactly 0 (neutral). */
export const signalArb = fc.oneof(fc.constant(0), fc.double({ min: -1, max: 1, noNaN: true }));

/** Returns from a total loss to +1000 %, breakeven included. */
export const pnlArb = fc.oneof(fc.constant(0), fc.double({ min: -1, max: 10, noNaN: true }), fc.double({ min: -0.2, max: 0.2, noNaN: true }));

const signalsArb = fc.record(Object.fromEntries(AGENT_NAMES.map((a) => [a, signalArb])) as Record<AgentName, fc.Arbitrary<number>>, { requiredKeys: [] });

/** An outcome without its id; ids are given by position so they are unique in a sequence. */
export const outcomeArb = fc.record({
  regime: fc.oneof(fc.constantFrom<string | null>(...REGIMES), fc.constant(null)),
  signals: signalsArb,
  pnlPct: pnlArb,
});

export const outcomesArb = (maxLength = 60) => fc.array(outcomeArb, { maxLength }).map((xs) => xs.map((o, i): TradeOutcome => ({ tradeId: `t${i}`, ...o })));

/** Config variations: any discount in (0, 1), any positive prior, any scale. */
export const cfgArb: fc.Arbitrary<LearnerConfig> = fc
  .record({
    discount: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    prior: fc.record({ alpha: fc.double({ min: 0.05, max: 5, noNaN: true }), beta: fc.double({ min: 0.05, max: 5, noNaN: true }) }),
    rewardScale: fc.double({ min: 0.1, max: 100, noNaN: true }),
  })
  .map((over) => ({ ...DEFAULT_LEARNER_CONFIG, ...over }));

export function replay(outcomes: readonly TradeOutcome[], c: LearnerConfig = cfg, start: LearnerState = emptyLearnerState(AGENT_NAMES, c)): LearnerState {
  return outcomes.reduce((s, o) => recordOutcome(s, o, c), start);
}

/** Every posterior in a state, global and per regime. */
export function allPosteriors(s: LearnerState) {
  return [s.global, ...Object.values(s.byRegime).map((b) => b.posteriors)].flatMap((m) => Object.values(m));
}
