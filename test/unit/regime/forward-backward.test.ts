import { describe, expect, it } from "vitest";
import { forwardBackward, hmmLogLikelihood, posteriors, viterbi, type HmmParams } from "../../../src/lib/regime/hmm/index";
import { logEmissions } from "../../../src/lib/regime/hmm/emissions";
import { flattenObservations } from "../../../src/lib/regime/hmm/observations";

const model: HmmParams = {
  pi: [0.6, 0.3, 0.1],
  A: [
    [0.7, 0.2, 0.1],
    [0.3, 0.5, 0.2],
    [0.25, 0.25, 0.5],
  ],
  means: [
    [0, 0],
    [1, -1],
    [-2, 3],
  ],
  variances: [
    [1, 0.5],
    [0.3, 2],
    [4, 1],
  ],
};
const obs = [
  [0.1, 0.2],
  [1.2, -0.5],
  [0.9, -2],
  [-1.5, 2.5],
  [-3, 3.3],
  [0.2, 0.1],
];

// Independent reference: the plain product of univariate normal densities, no logs.
function density(x: readonly number[], k: number): number {
  return x.reduce((p, v, d) => {
    const s2 = model.variances[k]![d]!;
    return (p * Math.exp(-((v - model.means[k]![d]!) ** 2) / (2 * s2))) / Math.sqrt(2 * Math.PI * s2);
  }, 1);
}

/** Every one of the K^T state paths with its joint probability P(path, obs). */
function allPaths(o: readonly number[][]): { path: number[]; p: number }[] {
  const K = model.pi.length;
  const out: { path: number[]; p: number }[] = [];
  for (let code = 0; code < K ** o.length; code++) {
    const path = o.map((_, t) => Math.floor(code / K ** t) % K);
    let p = model.pi[path[0]!]! * density(o[0]!, path[0]!);
    for (let t = 1; t < o.length; t++) p *= model.A[path[t - 1]!]![path[t]!]! * density(o[t]!, path[t]!);
    out.push({ path, p });
  }
  return out;
}

describe("scaled forward-backward", () => {
  const paths = allPaths(obs);
  const total = paths.reduce((s, x) => s + x.p, 0);

  it("gives the log-likelihood of summing all 3^6 paths by brute force", () => {
    expect(paths).toHaveLength(729);
    expect(hmmLogLikelihood(model, obs)).toBeCloseTo(Math.log(total), 10);
  });

  it("matches an unscaled forward recursion", () => {
    let alpha = model.pi.map((p, k) => p * density(obs[0]!, k));
    for (let t = 1; t < obs.length; t++) alpha = alpha.map((_, j) => alpha.reduce((s, a, i) => s + a * model.A[i]![j]!, 0) * density(obs[t]!, j));
    expect(hmmLogLikelihood(model, obs)).toBeCloseTo(Math.log(alpha.reduce((s, a) => s + a, 0)), 10);
  });

  it("gives the brute-force state marginals and expected transition counts", () => {
    const post = posteriors(model, obs);
    for (let t = 0; t < obs.length; t++) {
      for (let k = 0; k < 3; k++) {
        const marginal = paths.filter((x) => x.path[t] === k).reduce((s, x) => s + x.p, 0) / total;
        expect(post[t]![k]!).toBeCloseTo(marginal, 10);
      }
    }
    const { xiSum } = forwardBackward(model.pi, model.A, logEmissions(model, flattenObservations(obs)), obs.length);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let expected = 0;
        for (const x of paths) for (let t = 0; t + 1 < obs.length; t++) if (x.path[t] === i && x.path[t + 1] === j) expected += x.p / total;
        expect(xiSum[i * 3 + j]!).toBeCloseTo(expected, 10);
      }
    }
  });

  it("Viterbi returns the single most probable path", () => {
    const best = paths.reduce((a, b) => (b.p > a.p ? b : a));
    expect(viterbi(model, obs)).toEqual(best.path);
  });

  it("stays finite where an unscaled recursion underflows to zero", () => {
    // 400 observations far in the tails: the unscaled forward product is far below 1e-308.
    const far = Array.from({ length: 400 }, (_, t) => [t % 2 === 0 ? 30 : -30, 25]);
    let logAlpha = model.pi.map((p, k) => Math.log(p) + Math.log(density(far[0]!, k)));
    const lse = (xs: number[]): number => {
      const m = Math.max(...xs);
      return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
    };
    const logDensity = (x: readonly number[], k: number): number =>
      x.reduce((s, v, d) => s - 0.5 * (Math.log(2 * Math.PI * model.variances[k]![d]!) + (v - model.means[k]![d]!) ** 2 / model.variances[k]![d]!), 0);
    logAlpha = model.pi.map((p, k) => Math.log(p) + logDensity(far[0]!, k));
    for (let t = 1; t < far.length; t++) logAlpha = logAlpha.map((_, j) => lse(logAlpha.map((a, i) => a + Math.log(model.A[i]![j]!))) + logDensity(far[t]!, j));
    const reference = lse(logAlpha);
    expect(Number.isFinite(reference)).toBe(true);
    expect(density(far[0]!, 0) * density(far[1]!, 0)).toBe(0);
    expect(hmmLogLikelihood(model, far)).toBeCloseTo(reference, 6);
    for (const row of posteriors(model, far)) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});
