import type { MarketSnapshot } from "./snapshot-schema";
import type { TickerVote } from "./synthesis-decider";
import { z } from "zod";

const REASON_MAX = 160;

/** The engine's own evidence for one ticker, as the decider sees it: every strategy's signal and every agent's vote. */
export const TickerEvidenceSchema = z.object({
  symbol: z.string(),
  regime: z.string().nullable(),
  /** Each enabled strategy's signal on the decision timeframe (PASS included). */
  signals: z.array(z.object({ strategy: z.string(), action: z.string(), confidence: z.number(), reason: z.string() })),
  /** Each agent's score in [−1, 1]; an agent that did not vote (missing inputs, untrained) is absent. */
  agents: z.record(z.string(), z.number()),
  /** The learner's weight per agent in this regime, and where it came from. */
  weights: z.record(z.string(), z.number()),
  weightsSource: z.string(),
  /** What the synthesizer makes of them: its weighted score and action. */
  synthesis: z.object({ score: z.number(), action: z.string() }),
});
export type TickerEvidence = z.infer<typeof TickerEvidenceSchema>;

const clip = (s: string) => (s.length > REASON_MAX ? `${s.slice(0, REASON_MAX - 1)}…` : s);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The rule pipeline's votes as snapshot data: bounded text, three decimals. */
export function evidenceOf(votes: readonly TickerVote[]): TickerEvidence[] {
  return votes.map((v) => {
    const agents: Record<string, number> = {};
    for (const s of v.scores) if (s.active) agents[s.agent] = round3(s.score);
    const weights: Record<string, number> = {};
    for (const [k, w] of Object.entries(v.weights.weights)) weights[k] = round3(w as number);
    return {
      symbol: v.symbol,
      regime: v.regime?.learnerKey ?? null,
      signals: v.signals.map((g) => ({ strategy: g.strategy, action: g.action, confidence: round3(g.confidence), reason: clip(g.reason) })),
      agents,
      weights,
      weightsSource: v.weights.source,
      synthesis: { score: round3(v.result.score), action: v.result.action },
    };
  });
}

/** The snapshot with the engine's evidence added: what `signal_weights` in an answer may refer to. */
export function withEvidence(snapshot: MarketSnapshot, evidence: readonly TickerEvidence[]): MarketSnapshot {
  return { ...snapshot, evidence: [...evidence] };
}
