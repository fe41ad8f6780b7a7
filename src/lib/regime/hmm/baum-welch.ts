import { logEmissions } from "./emissions";
import { forwardBackward } from "./forward-backward";
import { floorAndNormalise, mStep } from "./m-step";
import { featureMoments, flattenObservations, type FlatObservations } from "./observations";
import { DEFAULT_EM_OPTIONS, type EmOptions, type HmmModel, type HmmParams } from "./types";

export interface BaumWelchResult {
  model: HmmModel;
  /** Log-likelihood of the parameters at each iteration, the start included; never decreases. */
  trace: number[];
}

/** Per-feature variance floors: `fraction` of the feature's overall variance, at least 1e-12. */
export function varianceFloors(obs: FlatObservations, fraction: number): Float64Array {
  const { variance } = featureMoments(obs);
  return variance.map((v) => Math.max(fraction * v, 1e-12));
}

/** EM from `init` on already flattened observations (the restarts share one flattening). */
export function baumWelchFlat(obs: FlatObservations, init: HmmParams, opts: EmOptions, floors = varianceFloors(obs, opts.varianceFloor)): BaumWelchResult {
  let params: HmmParams = {
    pi: floorAndNormalise(init.pi),
    A: init.A.map((r) => floorAndNormalise(r)),
    means: init.means.map((r) => r.slice()),
    variances: init.variances.map((r) => r.map((v, d) => Math.max(v, floors[d]!))),
  };
  const trace: number[] = [];
  let iterations = 0;
  let converged = false;
  for (;;) {
    const fb = forwardBackward(params.pi, params.A, logEmissions(params, obs), obs.T);
    const previous = trace.at(-1);
    trace.push(fb.logLikelihood);
    if (previous !== undefined && fb.logLikelihood - previous < opts.tol * obs.T) {
      converged = true;
      break;
    }
    if (iterations >= opts.maxIterations) break;
    params = mStep(params, fb, obs, floors);
    iterations++;
  }
  return { model: { ...params, logLikelihood: trace.at(-1)!, iterations, converged }, trace };
}

/** Baum–Welch EM for a diagonal-covariance Gaussian HMM, starting from `init`. */
export function baumWelch(obs: readonly (readonly number[])[], init: HmmParams, opts: Partial<EmOptions> = {}): BaumWelchResult {
  return baumWelchFlat(flattenObservations(obs), init, { ...DEFAULT_EM_OPTIONS, ...opts });
}
