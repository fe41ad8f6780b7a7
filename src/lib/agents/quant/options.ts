import { z } from "zod";

export const DAY_MS = 86_400_000;

export const ForestOptionsSchema = z.object({
  nEstimators: z.number().int().min(1).default(25),
  maxDepth: z.number().int().min(1).default(6),
  /** A node with this many samples or fewer becomes a leaf (ml-cart's minNumSamples). */
  minNumSamples: z.number().int().min(1).default(20),
  /** Share of the features each tree sees (ml-random-forest bags features per tree, not per split). */
  maxFeatures: z.number().gt(0).max(1).default(0.5),
  /** Seed of the sample and feature bagging; ml-random-forest falls back to Math.random without one. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
});
export type ForestOptions = z.infer<typeof ForestOptionsSchema>;

/**
 * How a feature is made comparable:
 * - "cross-sectional" (the seed's v8, the engine's default): z-score across the universe at each date.
 *   The label is relative (best of the universe), and a random forest scores each asset's row on its
 *   own, so the row must say where the asset stands against the others. With three assets the z-scores
 *   are bounded by √2, so the ±3σ winsorisation never binds, and absolute levels (e.g. that everything
 *   is volatile) are lost.
 * - "time-series": z-score against the asset's own trailing `zWindowDays` values. Keeps regime
 *   information but tells the model nothing about the other assets.
 * - "both": the two side by side (twice the columns).
 */
export const NORMALIZATIONS = ["cross-sectional", "time-series", "both"] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export const QuantOptionsSchema = z.object({
  /** Forward-return horizon of the label in days (the seed's 21 trading days; a week for crypto). */
  horizonDays: z.number().int().min(1).default(7),
  /** Days between the last training label's end and the training date. */
  purgeDays: z.number().int().min(0).default(5),
  /** Rolling training window in days of samples (the seed's 18 months). */
  windowDays: z.number().int().min(30).default(540),
  /** Label 1 for the top max(1, ⌊N·q⌋) assets by forward return: with three assets, the best one. */
  topQuantile: z.number().gt(0).lt(1).default(0.25),
  normalization: z.enum(NORMALIZATIONS).default("cross-sectional"),
  winsorize: z.number().positive().default(3),
  zWindowDays: z.number().int().min(10).default(365),
  zMinHistory: z.number().int().min(10).default(90),
  /** Dates with fewer assets (with features) than this are skipped: a cross-section of 2 says little. */
  minAssets: z.number().int().min(2).default(3),
  minTrainSamples: z.number().int().min(10).default(300),
  /**
   * Train on every k-th day only (by absolute day number). ml-cart scans every split point with a pass
   * over the node's samples, so training time grows with the square of the sample count: the full
   * 540 days × 3 assets (1,620 samples) take 7–9 s per model, every third day (540) about 1.5 s, a
   * cost an actor can carry.
   * Little is lost: neighbouring days share 6 of their 7 label days.
   */
  sampleStrideDays: z.number().int().min(1).default(3),
  forest: ForestOptionsSchema.default(ForestOptionsSchema.parse({})),
});
export type QuantOptions = z.infer<typeof QuantOptionsSchema>;
export type QuantOptionsInput = z.input<typeof QuantOptionsSchema>;
