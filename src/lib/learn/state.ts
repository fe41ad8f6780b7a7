import { z } from "zod";
import { AGENT_NAMES, type AgentName } from "../agents/types";
import { DEFAULT_LEARNER_CONFIG, type LearnerConfig } from "./config";

/** One agent's Beta(alpha, beta) belief that its signal agrees with trade outcomes; `updates` counts the trades it learned from. */
export interface Posterior {
  alpha: number;
  beta: number;
  updates: number;
}

/** An agent missing from a map (e.g. added after the state was saved) reads as the prior. */
export type PosteriorMap = Partial<Record<AgentName, Posterior>>;

export interface RegimeBucket {
  trades: number;
  posteriors: PosteriorMap;
  /**
   * The regime's record for Kelly sizing: the trades tallied, the winners, their summed returns and the losers' summed
   * |returns| (absent on buckets stored before the learner kept them; `tallied` then counts from the first trade after).
   */
  tallied?: number;
  wins?: number;
  gain?: number;
  loss?: number;
}

/** The whole learner: plain JSON, persisted by the learner actor. */
export interface LearnerState {
  global: PosteriorMap;
  byRegime: Record<string, RegimeBucket>;
  /** Trades learned from, in total. */
  trades: number;
  /** Ids of the last `recordLimit` trades learned from, oldest first: a repeated id is ignored. */
  recorded: string[];
}

export function priorPosterior(cfg: LearnerConfig = DEFAULT_LEARNER_CONFIG): Posterior {
  return { alpha: cfg.prior.alpha, beta: cfg.prior.beta, updates: 0 };
}

export function emptyLearnerState(agents: readonly AgentName[] = AGENT_NAMES, cfg: LearnerConfig = DEFAULT_LEARNER_CONFIG): LearnerState {
  const global: PosteriorMap = {};
  for (const a of agents) global[a] = priorPosterior(cfg);
  return { global, byRegime: {}, trades: 0, recorded: [] };
}

const PosteriorSchema = z.object({ alpha: z.number().positive(), beta: z.number().positive(), updates: z.number().int().min(0) });
const PosteriorMapSchema = z.partialRecord(z.enum(AGENT_NAMES), PosteriorSchema);

/** Validates a persisted state (unknown agent keys are rejected). */
export const LearnerStateSchema = z.object({
  global: PosteriorMapSchema,
  byRegime: z.record(
    z.string(),
    z.object({
      trades: z.number().int().min(0),
      posteriors: PosteriorMapSchema,
      tallied: z.number().int().min(0).optional(),
      wins: z.number().int().min(0).optional(),
      gain: z.number().min(0).optional(),
      loss: z.number().min(0).optional(),
    }),
  ),
  trades: z.number().int().min(0),
  recorded: z.array(z.string()),
});
