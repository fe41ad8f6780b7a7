import { z } from "zod";

/** How a closed episode ended. */
export const EpisodeOutcomeSchema = z.object({
  /** Net of fees, as the learner and the trade row count it: pnl / (entry cost + entry fee). */
  pnlPct: z.number(),
  exitKind: z.string(),
  heldHours: z.number(),
});
export type EpisodeOutcome = z.infer<typeof EpisodeOutcomeSchema>;

/**
 * One trade remembered: what was seen at entry (regime key, trend, a few numeric features, the agents'
 * signals), the entry's reasoning, and once the position closed its outcome and a reflection. Keyed by
 * the position id (src/lib/memory/episodes.ts builds it; D1 `episodes` keeps it).
 */
export const EpisodeSchema = z.object({
  id: z.string(),
  portfolio: z.string(),
  symbol: z.string(),
  /** The agent or decider that asked for the entry (`claude:<model>`, `rule:synthesizer`, …). */
  agent: z.string(),
  decisionId: z.string(),
  openedAt: z.number().int(),
  /** Null while the position is open: such an episode is never recalled. */
  closedAt: z.number().int().nullable(),
  /** The learner's regime key at entry (e.g. `trending_up`), else the trend label; null without either. */
  regimeKey: z.string().nullable(),
  trend: z.enum(["trending", "ranging"]).nullable(),
  /** Entry features of the decision timeframe, when known: `atrPct` (ATR in % of the close), `momentum` (momentum14, a fraction). */
  features: z.record(z.string(), z.number()),
  /** Each agent's signal for the ticker when the entry was decided. */
  signals: z.record(z.string(), z.number()),
  /** The entry's reasoning, truncated. */
  reasoning: z.string(),
  /** Present on a short only (an episode without it was a long). */
  side: z.literal("short").optional(),
  outcome: EpisodeOutcomeSchema.nullable(),
  reflection: z.string().nullable(),
  reflectionSource: z.enum(["deterministic", "claude"]).nullable(),
});
export type Episode = z.infer<typeof EpisodeSchema>;

/** A past episode as a decision snapshot carries it: recalled for one ticker (`for`), its texts truncated to the block's bound. */
export const RecalledEpisodeSchema = z.object({
  /** The ticker of the snapshot it was recalled for. */
  for: z.string(),
  symbol: z.string(),
  closedAt: z.number().int(),
  regimeKey: z.string().nullable(),
  /** Same regime key as the ticker's now. */
  sameRegime: z.boolean(),
  /** Distance of the standardized entry features to the ticker's now (0: identical). */
  distance: z.number(),
  features: z.record(z.string(), z.number()),
  outcome: EpisodeOutcomeSchema,
  reasoning: z.string(),
  reflection: z.string(),
});
export type RecalledEpisode = z.infer<typeof RecalledEpisodeSchema>;
