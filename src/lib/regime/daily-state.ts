import type { Candle } from "../market/candle";
import { applyScaling, dailyRegimeFeatures } from "./daily-features";
import type { DailyRegimeModel } from "./daily-model";
import { posteriors } from "./hmm/posteriors";
import type { HmmReading } from "./types";

export interface DailyRegimeReading extends HmmReading {
  probabilities: number[];
  /** Open time of the candle the reading is for. */
  at: number;
}

/**
 * The model's filtered state at the last candle: P(state | candles up to and including it), nothing
 * later. Null when the candles are too few for one feature row.
 */
export function dailyRegimeState(model: DailyRegimeModel, candles: readonly Candle[]): DailyRegimeReading | null {
  const { rows, at } = dailyRegimeFeatures(candles, model.volPeriod, model.periodsPerYear);
  if (rows.length === 0) return null;
  const post = posteriors(model.hmm, applyScaling(rows, { mean: model.featureMean, std: model.featureStd }));
  const probabilities = post.at(-1)!;
  let state = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k]! > probabilities[state]!) state = k;
  return { state, states: probabilities.length, probability: probabilities[state]!, probabilities, at: at.at(-1)! };
}
