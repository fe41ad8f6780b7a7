import { z } from "zod";
import type { AgentWeights } from "../agents/types";

/** The tunables of the regime-aware Thompson-sampling learner. */
export const LearnerConfigSchema = z.object({
  /** Per update, the evidence beyond the prior shrinks by this factor (1 = never forget). */
  discount: z.number().gt(0).max(1).default(0.95),
  /** A regime with fewer trades than this falls back to the global posterior. */
  regimeMinTrades: z.number().int().min(0).default(3),
  /** Below this many trades in total, callers use the default weights. */
  minTradesForWeights: z.number().int().min(0).default(5),
  /** The Beta prior every posterior starts from and is discounted towards. */
  prior: z.object({ alpha: z.number().positive(), beta: z.number().positive() }).default({ alpha: 1, beta: 1 }),
  /** reward = 1 / (1 + exp(−|pnlPct| × rewardScale)), pnlPct a fraction (0.05 = 5 %). */
  rewardScale: z.number().positive().default(10),
  /** How many recent trade ids the state keeps to ignore a repeated outcome. */
  recordLimit: z.number().int().min(1).default(500),
});
export type LearnerConfig = z.infer<typeof LearnerConfigSchema>;

export const DEFAULT_LEARNER_CONFIG: LearnerConfig = LearnerConfigSchema.parse({});

/** The synthesizer's weights until the learner has seen `minTradesForWeights` trades (sum 1). */
export const DEFAULT_AGENT_WEIGHTS: AgentWeights = {
  quant: 0.35,
  market: 0.24,
  momentum: 0.18,
  sentiment: 0.12,
  regime: 0.11,
  derivatives: 0,
};
