/** Observations as one row-major Float64Array (T rows of D features), the form the HMM loops read. */
export interface FlatObservations {
  x: Float64Array;
  T: number;
  D: number;
}

export function flattenObservations(obs: readonly (readonly number[])[]): FlatObservations {
  const T = obs.length;
  if (T === 0) throw new Error("hmm: no observations");
  const D = obs[0]!.length;
  if (D === 0) throw new Error("hmm: observations have no features");
  const x = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    const row = obs[t]!;
    if (row.length !== D) throw new Error(`hmm: observation ${t} has ${row.length} features, expected ${D}`);
    for (let d = 0; d < D; d++) {
      const v = row[d]!;
      if (!Number.isFinite(v)) throw new Error(`hmm: observation ${t} feature ${d} is not finite (${v})`);
      x[t * D + d] = v;
    }
  }
  return { x, T, D };
}

/** Per-feature mean and population variance over all observations. */
export function featureMoments({ x, T, D }: FlatObservations): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(D);
  const variance = new Float64Array(D);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) mean[d]! += x[t * D + d]!;
  for (let d = 0; d < D; d++) mean[d]! /= T;
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) variance[d]! += (x[t * D + d]! - mean[d]!) ** 2;
  for (let d = 0; d < D; d++) variance[d]! /= T;
  return { mean, variance };
}
