import type { ForwardBackwardResult } from "./forward-backward";
import type { FlatObservations } from "./observations";
import type { HmmParams } from "./types";

/**
 * Floor on initial and transition probabilities: an exact zero would make a later path impossible
 * (a hard error in forward), and the floor changes the log-likelihood by far less than EM's tolerance.
 */
export const PROBABILITY_FLOOR = 1e-10;

/** A state this unlikely over the whole series keeps its previous Gaussian rather than dividing by ~0. */
const MIN_OCCUPANCY = 1e-8;

export function floorAndNormalise(p: readonly number[]): number[] {
  const floored = p.map((v) => Math.max(v, PROBABILITY_FLOOR));
  const sum = floored.reduce((s, v) => s + v, 0);
  return floored.map((v) => v / sum);
}

/** The Baum–Welch re-estimate; each variance is the constrained maximum max(s², floor). */
export function mStep(prev: HmmParams, fb: ForwardBackwardResult, { x, T, D }: FlatObservations, floors: Float64Array): HmmParams {
  const K = prev.pi.length;
  const { gamma, xiSum } = fb;
  const pi = floorAndNormalise(Array.from(gamma.subarray(0, K)));
  const A: number[][] = [];
  for (let i = 0; i < K; i++) {
    const row = Array.from(xiSum.subarray(i * K, (i + 1) * K));
    const sum = row.reduce((s, v) => s + v, 0);
    A.push(sum > 0 ? floorAndNormalise(row.map((v) => v / sum)) : prev.A[i]!.slice());
  }
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let k = 0; k < K; k++) {
    let occupancy = 0;
    const s1 = new Float64Array(D);
    for (let t = 0; t < T; t++) {
      const g = gamma[t * K + k]!;
      occupancy += g;
      for (let d = 0; d < D; d++) s1[d]! += g * x[t * D + d]!;
    }
    if (occupancy < MIN_OCCUPANCY) {
      means.push(prev.means[k]!.slice());
      variances.push(prev.variances[k]!.slice());
      continue;
    }
    const mu = Array.from(s1, (v) => v / occupancy);
    const s2 = new Float64Array(D);
    for (let t = 0; t < T; t++) {
      const g = gamma[t * K + k]!;
      for (let d = 0; d < D; d++) s2[d]! += g * (x[t * D + d]! - mu[d]!) ** 2;
    }
    means.push(mu);
    variances.push(Array.from(s2, (v, d) => Math.max(v / occupancy, floors[d]!)));
  }
  return { pi, A, means, variances };
}
