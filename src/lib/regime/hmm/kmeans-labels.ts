import type { Rng } from "../../util/rng";
import { featureMoments, type FlatObservations } from "./observations";

/**
 * k-means++ seeding (first centre uniform, each next one drawn with probability ∝ squared distance to
 * the nearest centre) then `iterations` Lloyd steps, on features scaled to unit variance so no feature
 * dominates the distance. Returns the final hard labels.
 */
export function kmeansLabels(obs: FlatObservations, K: number, rng: Rng, iterations = 10): Int32Array {
  const { T, D } = obs;
  const { variance } = featureMoments(obs);
  const x = new Float64Array(T * D);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) x[t * D + d] = obs.x[t * D + d]! / Math.sqrt(variance[d]! > 0 ? variance[d]! : 1);

  const centres = new Float64Array(K * D);
  const nearest = new Float64Array(T).fill(Infinity);
  const dist2 = (t: number, k: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) s += (x[t * D + d]! - centres[k * D + d]!) ** 2;
    return s;
  };
  for (let k = 0; k < K; k++) {
    let pick = Math.min(T - 1, Math.floor(rng.next() * T));
    if (k > 0) {
      let total = 0;
      for (let t = 0; t < T; t++) total += nearest[t]!;
      if (total > 0) {
        let u = rng.next() * total;
        for (pick = 0; pick < T - 1; pick++) {
          u -= nearest[pick]!;
          if (u < 0) break;
        }
      }
    }
    for (let d = 0; d < D; d++) centres[k * D + d] = x[pick * D + d]!;
    for (let t = 0; t < T; t++) nearest[t] = Math.min(nearest[t]!, dist2(t, k));
  }

  const labels = new Int32Array(T);
  for (let it = 0; it <= iterations; it++) {
    let changed = false;
    for (let t = 0; t < T; t++) {
      let best = 0;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        const v = dist2(t, k);
        if (v < bestD) [best, bestD] = [k, v];
      }
      if (labels[t] !== best || it === 0) changed = true;
      labels[t] = best;
    }
    if (!changed || it === iterations) break;
    const counts = new Float64Array(K);
    const sums = new Float64Array(K * D);
    for (let t = 0; t < T; t++) {
      counts[labels[t]!]!++;
      for (let d = 0; d < D; d++) sums[labels[t]! * D + d]! += x[t * D + d]!;
    }
    for (let k = 0; k < K; k++) if (counts[k]! > 0) for (let d = 0; d < D; d++) centres[k * D + d] = sums[k * D + d]! / counts[k]!;
  }
  return labels;
}
