import fc from "fast-check";
import { errorFunction } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, psrFromMoments, sharpeMoments } from "../../../src/lib/metrics";
import { seededRng } from "../../../src/lib/util/rng";

// Φ from simple-statistics' erf (|error| < 1.2e-7): independent of the module's own CDF.
const phi = (x: number) => 0.5 * (1 + errorFunction(x / Math.SQRT2));

const sample = [0.01, -0.02, 0.03, 0.015, -0.005, 0.04, -0.03, 0.002, 0.011, -0.012];

function gaussian(seed: number, n: number, mu: number, sigma: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => mu + sigma * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

describe("probabilistic Sharpe ratio", () => {
  it("uses the per-period Sharpe ratio with population skewness and (non-excess) kurtosis, as scipy computes them", () => {
    // numpy/scipy: r.mean()/r.std(ddof=1), scipy.stats.skew(r), scipy.stats.kurtosis(r, fisher=False)
    const m = sharpeMoments(sample)!;
    expect(m.sr).toBeCloseTo(0.18865341324655988, 12);
    expect(m.skew).toBeCloseTo(0.07856480298967652, 12);
    expect(m.kurtosis).toBeCloseTo(2.15390878467162, 12);
    expect(m.n).toBe(10);
  });

  it("matches the closed form Φ((SR − SR*)√(n−1) / √(1 − γ₃SR + (γ₄−1)/4·SR²))", () => {
    // Values from scipy.stats.norm.cdf on the same formula.
    expect(probabilisticSharpe(sample, 0)).toBeCloseTo(0.7147290230631927, 10);
    expect(probabilisticSharpe(sample, 0.1)).toBeCloseTo(0.6050990961259237, 10);
    // And by hand, with given moments: SR 0.1, skew −1, kurtosis 6, n 101 → z = 0.1·10 / √(1 + 0.1 + 1.25·0.01).
    const z = 1 / Math.sqrt(1.1125);
    expect(psrFromMoments({ sr: 0.1, skew: -1, kurtosis: 6, n: 101 }, 0)).toBeCloseTo(phi(z), 6);
  });

  it("penalises negative skew and fat tails relative to normal returns", () => {
    const normal = psrFromMoments({ sr: 0.1, skew: 0, kurtosis: 3, n: 250 }, 0)!;
    expect(normal).toBeCloseTo(phi((0.1 * Math.sqrt(249)) / Math.sqrt(1 + 0.01 / 2)), 6);
    expect(psrFromMoments({ sr: 0.1, skew: -2, kurtosis: 3, n: 250 }, 0)!).toBeLessThan(normal);
    expect(psrFromMoments({ sr: 0.1, skew: 0, kurtosis: 12, n: 250 }, 0)!).toBeLessThan(normal);
  });

  it("falls as the benchmark rises and is 1/2 when the benchmark equals the estimate", () => {
    const m = sharpeMoments(gaussian(3, 500, 0.001, 0.02))!;
    expect(psrFromMoments(m, m.sr)).toBeCloseTo(0.5, 12);
    const values = [-0.1, 0, 0.05, 0.1, 0.3].map((b) => psrFromMoments(m, b)!);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]!);
  });

  it("is null for fewer than two returns or returns without variation", () => {
    expect(probabilisticSharpe([0.01], 0)).toBeNull();
    expect(probabilisticSharpe([0.01, 0.01, 0.01], 0)).toBeNull();
    expect(deflatedSharpe([], { nTrials: 10, srVariance: 0.01 })).toEqual({ sr: null, psr: null, dsr: null, benchmark: expectedMaxSharpe(10, 0.01) });
  });
});

describe("expected maximum Sharpe ratio of N trials", () => {
  it("matches √V((1−γ)Φ⁻¹(1−1/N) + γΦ⁻¹(1−1/(Ne))) (scipy values)", () => {
    expect(expectedMaxSharpe(10, 0.04)).toBeCloseTo(0.31491966026915, 10);
    expect(expectedMaxSharpe(1000, 0.01)).toBeCloseTo(0.32551215136527234, 10);
  });

  it("is 0 for one trial or no variance, and grows with the number of trials and the variance", () => {
    expect(expectedMaxSharpe(1, 0.5)).toBe(0);
    expect(expectedMaxSharpe(50, 0)).toBe(0);
    const byN = [2, 3, 10, 100, 10_000].map((n) => expectedMaxSharpe(n, 0.01));
    for (let i = 1; i < byN.length; i++) expect(byN[i]).toBeGreaterThan(byN[i - 1]!);
    expect(expectedMaxSharpe(10, 0.04)).toBeCloseTo(2 * expectedMaxSharpe(10, 0.01), 12);
  });

  it("approximates the mean of the best of N simulated standard-normal Sharpe ratios", () => {
    const rng = seededRng(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const n = 100;
    let sum = 0;
    for (let k = 0; k < 4000; k++) {
      let best = -Infinity;
      for (let i = 0; i < n; i++) best = Math.max(best, normal());
      sum += best;
    }
    // E[max of 100 N(0,1)] ≈ 2.5076; the Euler–Mascheroni approximation gives 2.5306.
    expect(Math.abs(expectedMaxSharpe(n, 1) - sum / 4000)).toBeLessThan(0.05);
  });

  it("rejects a non-integer or zero trial count and a negative variance", () => {
    expect(() => expectedMaxSharpe(0, 1)).toThrow(RangeError);
    expect(() => expectedMaxSharpe(2.5, 1)).toThrow(RangeError);
    expect(() => expectedMaxSharpe(3, -1)).toThrow(RangeError);
  });
});

describe("deflated Sharpe ratio", () => {
  it("reproduces the paper's example: SR 2.5 annualised, 5 years daily, γ₃ −3, γ₄ 10, 100 trials, V[SR] 0.5 annualised", () => {
    // Bailey & López de Prado (2014), section 5: SR* = 0.1132 per day and DSR = 0.9004.
    const benchmark = expectedMaxSharpe(100, 0.5 / 250);
    expect(benchmark).toBeCloseTo(0.1132, 4);
    expect(psrFromMoments({ sr: 2.5 / Math.sqrt(250), skew: -3, kurtosis: 10, n: 1250 }, benchmark)).toBeCloseTo(0.9004, 4);
  });

  it("equals the PSR against 0 for a single trial", () => {
    const r = gaussian(5, 300, 0.002, 0.02);
    const d = deflatedSharpe(r, { nTrials: 1, srVariance: 0.02 });
    expect(d.benchmark).toBe(0);
    expect(d.dsr).toBe(d.psr);
    expect(d.psr).toBe(probabilisticSharpe(r, 0));
    expect(d.sr).toBe(sharpeMoments(r)!.sr);
  });

  it("the more trials were run, the lower the deflated Sharpe ratio", () => {
    const r = gaussian(9, 400, 0.003, 0.02);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.double({ min: 1e-6, max: 0.05, noNaN: true }), (a, b, v) => {
        const [few, many] = a < b ? [a, b] : [b, a];
        const dFew = deflatedSharpe(r, { nTrials: few, srVariance: v }).dsr!;
        const dMany = deflatedSharpe(r, { nTrials: many, srVariance: v }).dsr!;
        expect(dMany).toBeLessThanOrEqual(dFew);
        if (many > few) expect(dMany).toBeLessThan(dFew);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
