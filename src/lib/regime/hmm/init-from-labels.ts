import { featureMoments, type FlatObservations } from "./observations";
import type { HmmParams } from "./types";

/**
 * Starting parameters from a hard labelling: each state's mean and variance from its members, the
 * transitions from counted label changes with one pseudo-count each (no zero to get stuck at),
 * uniform initial probabilities. An empty state starts at the overall mean and variance.
 */
export function initFromLabels(obs: FlatObservations, labels: Int32Array | readonly number[], K: number): HmmParams {
  const { x, T, D } = obs;
  const overall = featureMoments(obs);
  const counts = new Float64Array(K);
  const sums = new Float64Array(K * D);
  const squares = new Float64Array(K * D);
  for (let t = 0; t < T; t++) {
    const k = labels[t]!;
    counts[k]!++;
    for (let d = 0; d < D; d++) {
      const v = x[t * D + d]!;
      sums[k * D + d]! += v;
      squares[k * D + d]! += v * v;
    }
  }
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let k = 0; k < K; k++) {
    const n = counts[k]!;
    const mu: number[] = [];
    const v: number[] = [];
    for (let d = 0; d < D; d++) {
      const m = n > 0 ? sums[k * D + d]! / n : overall.mean[d]!;
      mu.push(m);
      v.push(n > 1 ? Math.max(squares[k * D + d]! / n - m * m, 0) : overall.variance[d]!);
    }
    means.push(mu);
    variances.push(v);
  }
  const transitions = new Float64Array(K * K).fill(1);
  for (let t = 1; t < T; t++) transitions[labels[t - 1]! * K + labels[t]!]!++;
  const A: number[][] = [];
  for (let i = 0; i < K; i++) {
    const row = Array.from(transitions.subarray(i * K, (i + 1) * K));
    const sum = row.reduce((s, v) => s + v, 0);
    A.push(row.map((v) => v / sum));
  }
  return { pi: new Array<number>(K).fill(1 / K), A, means, variances };
}
