import { logEmissions } from "./emissions";
import { flattenObservations } from "./observations";
import type { HmmParams } from "./types";

/** The single most likely state path (log-space Viterbi); ties go to the lower state. */
export function viterbi(model: HmmParams, obs: readonly (readonly number[])[]): number[] {
  const flat = flattenObservations(obs);
  const { T } = flat;
  const K = model.pi.length;
  const logB = logEmissions(model, flat);
  const logA = model.A.map((row) => row.map(Math.log));
  const back = new Int32Array(T * K);
  let delta = model.pi.map((p, k) => Math.log(p) + logB[k]!);
  for (let t = 1; t < T; t++) {
    const next = new Array<number>(K);
    for (let j = 0; j < K; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < K; i++) {
        const v = delta[i]! + logA[i]![j]!;
        if (v > best) [best, arg] = [v, i];
      }
      next[j] = best + logB[t * K + j]!;
      back[t * K + j] = arg;
    }
    delta = next;
  }
  const path = new Array<number>(T);
  let state = 0;
  for (let k = 1; k < K; k++) if (delta[k]! > delta[state]!) state = k;
  for (let t = T - 1; t >= 0; t--) {
    path[t] = state;
    state = back[t * K + state]!;
  }
  return path;
}
