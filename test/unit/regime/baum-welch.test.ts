import { describe, expect, it } from "vitest";
import { baumWelch, fitHmm, hmmLogLikelihood, type HmmParams } from "../../../src/lib/regime/hmm/index";
import { seededRng } from "../../../src/lib/util/rng";
import { gaussian, sampleHmm } from "./support";

const data = sampleHmm(
  {
    pi: [0.5, 0.5],
    A: [
      [0.97, 0.03],
      [0.05, 0.95],
    ],
    means: [[0], [3]],
    sds: [[1], [0.5]],
  },
  1500,
  21,
).obs;

function nonDecreasing(trace: readonly number[]): void {
  for (let i = 1; i < trace.length; i++) {
    // Rounding slack only: 1e-9 relative to the log-likelihood.
    if (trace[i]! < trace[i - 1]! - 1e-9 * Math.abs(trace[i - 1]!)) expect.fail(`log-likelihood fell at iteration ${i}: ${trace[i - 1]} → ${trace[i]}`);
  }
}

function uniformInit(K: number, means: number[][], variance: number): HmmParams {
  return {
    pi: new Array<number>(K).fill(1 / K),
    A: Array.from({ length: K }, () => new Array<number>(K).fill(1 / K)),
    means,
    variances: means.map((m) => m.map(() => variance)),
  };
}

describe("Baum–Welch EM", () => {
  it("never lowers the log-likelihood, from good and poor starts and with too many states", () => {
    const starts = [uniformInit(2, [[-1], [4]], 1), uniformInit(2, [[1.4], [1.5]], 10), uniformInit(3, [[0], [1], [2]], 0.2), uniformInit(4, [[-2], [0], [2], [4]], 3)];
    for (const init of starts) {
      const { trace, model } = baumWelch(data, init, { maxIterations: 200, tol: -Infinity });
      expect(trace).toHaveLength(201);
      nonDecreasing(trace);
      expect(trace.at(-1)! - trace[0]!).toBeGreaterThan(0);
      expect(model.logLikelihood).toBe(trace.at(-1));
    }
  });

  it("reports the log-likelihood of the parameters it returns", () => {
    const { model, trace } = baumWelch(data, uniformInit(2, [[-1], [4]], 1));
    expect(hmmLogLikelihood(model, data)).toBeCloseTo(model.logLikelihood, 8);
    expect(model.iterations).toBe(trace.length - 1);
  });

  it("stops at the iteration cap, or once an iteration gains less than tol per observation", () => {
    const capped = baumWelch(data, uniformInit(2, [[1.4], [1.5]], 10), { maxIterations: 5, tol: 0 });
    expect(capped.model.iterations).toBe(5);
    expect(capped.trace).toHaveLength(6);
    expect(capped.model.converged).toBe(false);
    const tol = 1e-4;
    const loose = baumWelch(data, uniformInit(2, [[1.4], [1.5]], 10), { tol });
    expect(loose.model.converged).toBe(true);
    const gains = loose.trace.slice(1).map((v, i) => v - loose.trace[i]!);
    expect(gains.at(-1)!).toBeLessThan(tol * data.length);
    for (const g of gains.slice(0, -1)) expect(g).toBeGreaterThanOrEqual(tol * data.length);
  });

  it("floors variances so a state on repeated identical values cannot collapse", () => {
    const rng = seededRng(5);
    const spiky = Array.from({ length: 600 }, (_, t) => [t % 3 === 0 ? 2 : gaussian(rng)]);
    const mean = spiky.reduce((s, [v]) => s + v!, 0) / spiky.length;
    const variance = spiky.reduce((s, [v]) => s + (v! - mean) ** 2, 0) / spiky.length;
    for (const floor of [1e-3, 1e-2]) {
      const model = fitHmm(spiky, 2, { seed: 1, varianceFloor: floor });
      expect(Number.isFinite(model.logLikelihood)).toBe(true);
      const smallest = Math.min(...model.variances.map((v) => v[0]!));
      expect(smallest).toBeCloseTo(floor * variance, 12);
    }
  });
});
