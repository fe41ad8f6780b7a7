import { fitHmm } from "./fit-hmm";
import type { FitHmmOptions, HmmModel } from "./types";

/**
 * Free parameters of a K-state, D-feature diagonal Gaussian HMM: K−1 initial probabilities,
 * K(K−1) transitions (each row sums to 1), K·D means and K·D variances.
 */
export function hmmParameterCount(k: number, d: number): number {
  return k - 1 + k * (k - 1) + 2 * k * d;
}

/** BIC = −2 log L + p ln n; lower is better. */
export function hmmBic(logLikelihood: number, k: number, d: number, n: number): number {
  return -2 * logLikelihood + hmmParameterCount(k, d) * Math.log(n);
}

export interface SelectHmmOptions extends FitHmmOptions {
  minStates?: number;
  maxStates?: number;
}

export interface HmmSelection {
  model: HmmModel;
  states: number;
  /** BIC per state count tried. */
  bic: Record<number, number>;
}

/** Fits every K in [minStates, maxStates] (default 2..4) with the same options and keeps the lowest BIC. */
export function selectHmm(obs: readonly (readonly number[])[], opts: SelectHmmOptions = {}): HmmSelection {
  const { minStates = 2, maxStates = 4, ...fit } = opts;
  if (!(Number.isInteger(minStates) && Number.isInteger(maxStates) && minStates >= 1 && maxStates >= minStates)) {
    throw new Error(`hmm: bad state range ${minStates}..${maxStates}`);
  }
  const d = obs[0]?.length ?? 0;
  const bic: Record<number, number> = {};
  let best: HmmSelection | null = null;
  for (let k = minStates; k <= maxStates; k++) {
    const model = fitHmm(obs, k, fit);
    bic[k] = hmmBic(model.logLikelihood, k, d, obs.length);
    if (best === null || bic[k]! < best.bic[best.states]!) best = { model, states: k, bic };
  }
  return best!;
}
