import { logEmissions } from "./emissions";
import { forwardBackward } from "./forward-backward";
import { flattenObservations } from "./observations";
import type { HmmParams } from "./types";

/** P(state k at t | all of `obs`) as T rows of K; the last row only uses data up to its own time. */
export function posteriors(model: HmmParams, obs: readonly (readonly number[])[]): number[][] {
  const flat = flattenObservations(obs);
  const K = model.pi.length;
  const { gamma } = forwardBackward(model.pi, model.A, logEmissions(model, flat), flat.T);
  return Array.from({ length: flat.T }, (_, t) => Array.from(gamma.subarray(t * K, (t + 1) * K)));
}

/** Log-likelihood of `obs` under the model (scaled forward pass). */
export function hmmLogLikelihood(model: HmmParams, obs: readonly (readonly number[])[]): number {
  const flat = flattenObservations(obs);
  return forwardBackward(model.pi, model.A, logEmissions(model, flat), flat.T).logLikelihood;
}
