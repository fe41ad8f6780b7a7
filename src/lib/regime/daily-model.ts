import type { Candle } from "../market/candle";
import { applyScaling, dailyRegimeFeatures, featureScaling } from "./daily-features";
import { selectHmm, type SelectHmmOptions } from "./hmm/select-hmm";
import type { HmmModel } from "./hmm/types";

export interface DailyRegimeModelOptions extends Omit<SelectHmmOptions, "seed" | "orderFeature"> {
  volPeriod?: number;
  periodsPerYear?: number;
}

/** A fitted daily regime HMM plus what it takes to score new candles the same way; JSON-safe. */
export interface DailyRegimeModel {
  hmm: HmmModel;
  states: number;
  bic: Record<number, number>;
  /** z-scoring of [log return, realized vol] learnt on the training candles. */
  featureMean: number[];
  featureStd: number[];
  volPeriod: number;
  periodsPerYear: number;
  observations: number;
  /** Open time of the last training candle: the model knows nothing later. */
  fittedThrough: number;
  seed: number;
}

/** Fewer feature rows than this and no model is fitted (too little history for 4 states). */
export const MIN_DAILY_OBSERVATIONS = 120;

/**
 * Fits the engine's daily regime HMM: z-scored [log return, 20-candle realized vol], 2..4 states by
 * BIC, states ordered by mean volatility (0 = calmest). The entry point `npm run bench` times.
 */
export function fitDailyRegimeModel(candles: readonly Candle[], seed: number, opts: DailyRegimeModelOptions = {}): DailyRegimeModel {
  const { volPeriod = 20, periodsPerYear = 365, ...select } = opts;
  const { rows } = dailyRegimeFeatures(candles, volPeriod, periodsPerYear);
  if (rows.length < MIN_DAILY_OBSERVATIONS) throw new Error(`regime: ${rows.length} daily observations, need ${MIN_DAILY_OBSERVATIONS}`);
  const scaling = featureScaling(rows);
  const fit = selectHmm(applyScaling(rows, scaling), { ...select, seed, orderFeature: 1 });
  return {
    hmm: fit.model,
    states: fit.states,
    bic: fit.bic,
    featureMean: scaling.mean,
    featureStd: scaling.std,
    volPeriod,
    periodsPerYear,
    observations: rows.length,
    fittedThrough: candles.at(-1)!.t,
    seed,
  };
}
