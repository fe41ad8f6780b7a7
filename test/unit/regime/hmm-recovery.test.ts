import { describe, expect, it } from "vitest";
import { fitHmm, hmmBic, hmmParameterCount, selectHmm, viterbi } from "../../../src/lib/regime/hmm/index";
import { sampleHmm, type TrueHmm } from "./support";

// Feature 1 (the ordering feature) rises with the state index, so fitted labels line up with the truth.
const TWO: TrueHmm = {
  pi: [0.5, 0.5],
  A: [
    [0.95, 0.05],
    [0.1, 0.9],
  ],
  means: [
    [0.5, -0.5],
    [-1, 1.5],
  ],
  sds: [
    [1, 0.6],
    [2, 0.8],
  ],
};

const THREE: TrueHmm = {
  pi: [1 / 3, 1 / 3, 1 / 3],
  A: [
    [0.95, 0.03, 0.02],
    [0.04, 0.92, 0.04],
    [0.02, 0.05, 0.93],
  ],
  means: [
    [0, -1],
    [1, 0.5],
    [-1.5, 2],
  ],
  sds: [
    [0.5, 0.4],
    [1, 0.5],
    [2, 0.7],
  ],
};

const two = sampleHmm(TWO, 2000, 7);
const three = sampleHmm(THREE, 2000, 11);

describe("Gaussian HMM on synthetic series", () => {
  const model = fitHmm(two.obs, 2, { seed: 3 });

  it("recovers the means within 0.15 σ and the variances within 15 % of a 2-state series", () => {
    for (let k = 0; k < 2; k++) {
      for (let d = 0; d < 2; d++) {
        const sd = TWO.sds[k]![d]!;
        expect(Math.abs(model.means[k]![d]! - TWO.means[k]![d]!), `mean ${k},${d}`).toBeLessThan(0.15 * sd);
        expect(Math.abs(model.variances[k]![d]! / sd ** 2 - 1), `variance ${k},${d}`).toBeLessThan(0.15);
      }
    }
  });

  it("recovers the transition matrix within 0.05", () => {
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs(model.A[i]![j]! - TWO.A[i]![j]!), `A ${i},${j}`).toBeLessThan(0.05);
    for (const row of model.A) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it("decodes more than 90 % of the true states with Viterbi", () => {
    const path = viterbi(model, two.obs);
    const accuracy = path.filter((s, t) => s === two.states[t]).length / path.length;
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it("is deterministic for a seed and labels states the same whatever the seed", () => {
    expect(fitHmm(two.obs, 2, { seed: 3 })).toEqual(model);
    const other = fitHmm(two.obs, 2, { seed: 99, restarts: 6 });
    for (let k = 0; k < 2; k++) for (let d = 0; d < 2; d++) expect(other.means[k]![d]!).toBeCloseTo(model.means[k]![d]!, 3);
  });

  it("orders states by ascending mean of the ordering feature, whatever order the truth had", () => {
    const swapped = two.obs.map(([a, b]) => [-b!, a!]); // feature 0 now falls with the true state
    const byLast = fitHmm(swapped, 2, { seed: 3 });
    expect(byLast.means[0]![1]!).toBeLessThan(byLast.means[1]![1]!);
    const byFirst = fitHmm(swapped, 2, { seed: 3, orderFeature: 0 });
    expect(byFirst.means[0]![0]!).toBeLessThan(byFirst.means[1]![0]!);
    expect(byFirst.means[0]![0]!).toBeCloseTo(-1.5, 0); // the true state 1 (mean of feature 1 was 1.5), negated
  });

  it("is JSON-serialisable without loss", () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    expect(Object.keys(model).sort()).toEqual(["A", "converged", "iterations", "logLikelihood", "means", "pi", "variances"]);
  });

  it("counts free parameters of a diagonal Gaussian HMM: K−1 + K(K−1) + 2KD", () => {
    expect(hmmParameterCount(2, 2)).toBe(1 + 2 + 4 + 4);
    expect(hmmParameterCount(3, 2)).toBe(2 + 6 + 6 + 6);
    expect(hmmParameterCount(4, 1)).toBe(3 + 12 + 4 + 4);
    expect(hmmBic(-1000, 2, 2, 500)).toBeCloseTo(2000 + 11 * Math.log(500), 10);
  });

  it("BIC picks 2 states for the 2-state series", () => {
    const sel = selectHmm(two.obs, { minStates: 2, maxStates: 4, seed: 3 });
    expect(Object.keys(sel.bic).map(Number)).toEqual([2, 3, 4]);
    expect(sel.states).toBe(2);
    expect(sel.bic[2]).toBeLessThan(Math.min(sel.bic[3]!, sel.bic[4]!));
    expect(sel.bic[2]).toBeCloseTo(hmmBic(sel.model.logLikelihood, 2, 2, 2000), 8);
  });

  it("BIC picks 3 states for a 3-state series and recovers its means", () => {
    const sel = selectHmm(three.obs, { minStates: 2, maxStates: 4, seed: 3 });
    expect(sel.states).toBe(3);
    expect(sel.model.pi).toHaveLength(3);
    for (let k = 0; k < 3; k++) for (let d = 0; d < 2; d++) expect(Math.abs(sel.model.means[k]![d]! - THREE.means[k]![d]!)).toBeLessThan(0.15 * THREE.sds[k]![d]!);
  });

  it("rejects a state count it cannot fit", () => {
    expect(() => fitHmm(two.obs.slice(0, 2), 2)).toThrow();
    expect(() => fitHmm(two.obs, 0)).toThrow();
    expect(() => fitHmm([[1, 2], [3]], 1)).toThrow();
  });
});
