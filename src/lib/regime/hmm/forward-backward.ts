export interface ForwardBackwardResult {
  logLikelihood: number;
  /** P(state k at t | all observations), row-major T × K. */
  gamma: Float64Array;
  /** Σ_t P(state i at t, state j at t+1 | all observations), row-major K × K. */
  xiSum: Float64Array;
}

/**
 * Scaled forward-backward (Rabiner): α is renormalised every step and log L = Σ_t log c_t. Emissions
 * enter as exp(log b − max_k log b) per step, with the max added back, so far-off states cannot
 * underflow every state at once.
 */
export function forwardBackward(pi: readonly number[], A: readonly (readonly number[])[], logB: Float64Array, T: number): ForwardBackwardResult {
  const K = pi.length;
  const a = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) a[i * K + j] = A[i]![j]!;
  const b = new Float64Array(T * K);
  const alpha = new Float64Array(T * K);
  const scale = new Float64Array(T);
  let logLikelihood = 0;

  for (let t = 0; t < T; t++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, logB[t * K + k]!);
    for (let k = 0; k < K; k++) b[t * K + k] = Math.exp(logB[t * K + k]! - m);
    let c = 0;
    for (let j = 0; j < K; j++) {
      let prior = 0;
      if (t === 0) prior = pi[j]!;
      else for (let i = 0; i < K; i++) prior += alpha[(t - 1) * K + i]! * a[i * K + j]!;
      const v = prior * b[t * K + j]!;
      alpha[t * K + j] = v;
      c += v;
    }
    if (!(c > 0)) throw new Error(`hmm: observation ${t} is impossible under the model`);
    for (let j = 0; j < K; j++) alpha[t * K + j]! /= c;
    scale[t] = c;
    logLikelihood += Math.log(c) + m;
  }

  const gamma = new Float64Array(T * K);
  const xiSum = new Float64Array(K * K);
  const beta = new Float64Array(K).fill(1);
  const next = new Float64Array(K);
  for (let k = 0; k < K; k++) gamma[(T - 1) * K + k] = alpha[(T - 1) * K + k]!;
  for (let t = T - 2; t >= 0; t--) {
    const c = scale[t + 1]!;
    for (let j = 0; j < K; j++) next[j] = (b[(t + 1) * K + j]! * beta[j]!) / c;
    for (let i = 0; i < K; i++) {
      const ai = alpha[t * K + i]!;
      let s = 0;
      for (let j = 0; j < K; j++) {
        const w = a[i * K + j]! * next[j]!;
        s += w;
        xiSum[i * K + j]! += ai * w;
      }
      beta[i] = s;
      gamma[t * K + i] = ai * s;
    }
  }
  return { logLikelihood, gamma, xiSum };
}
