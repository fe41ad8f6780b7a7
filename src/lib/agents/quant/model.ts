import type { ForestJson } from "./forest";
import type { QuantOptions } from "./options";

/** A trained quant ranker: plain JSON, so an actor can persist it as is. */
export interface QuantModel {
  version: 1;
  forest: ForestJson;
  featureNames: string[];
  /** The options it was trained with (scoring normalises features the same way). */
  options: QuantOptions;
  /** The training date (ms): the model saw no candle that closed after it. */
  trainedAt: number;
  /** Sample days used: the first and last (close times) and the allowed range. */
  window: { from: number; to: number; cutoff: number; windowStart: number };
  samples: number;
  positives: number;
  /** Share of label-1 samples: the probability that means "no view" (≈ 1/3 with three assets). */
  baseRate: number;
  symbols: string[];
}

/** The ranker's view of one asset at one time. */
export interface QuantScore {
  /** Forest estimate of P(top quantile over the horizon). */
  probability: number;
  /** (probability − baseRate) scaled to [−1, 1]: 0 at the base rate, +1 at certainty, −1 at 0. */
  score: number;
  /** Close time of the day the features are from. */
  at: number;
}

export type QuantScores = Record<string, QuantScore>;
