import type { HmmParams } from "./types";
import type { FlatObservations } from "./observations";

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x_t; μ_k, diag σ²_k) for every t and k, row-major T × K. */
export function logEmissions(p: Pick<HmmParams, "means" | "variances">, { x, T, D }: FlatObservations): Float64Array {
  const K = p.means.length;
  const out = new Float64Array(T * K);
  for (let k = 0; k < K; k++) {
    const mu = p.means[k]!;
    const v = p.variances[k]!;
    if (mu.length !== D || v.length !== D) throw new Error(`hmm: state ${k} has ${mu.length} means and ${v.length} variances for ${D} features`);
    let constant = 0;
    const inv = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      constant += LOG_2PI + Math.log(v[d]!);
      inv[d] = 1 / v[d]!;
    }
    for (let t = 0; t < T; t++) {
      let q = 0;
      for (let d = 0; d < D; d++) {
        const e = x[t * D + d]! - mu[d]!;
        q += e * e * inv[d]!;
      }
      out[t * K + k] = -0.5 * (constant + q);
    }
  }
  return out;
}
