import { mean, sampleStandardDeviation } from "simple-statistics";
import { normalCdf, normalQuantile } from "./normal";
import { isNegligibleSd } from "./return-stats";

/**
 * Bailey & López de Prado (2014), "The Deflated Sharpe Ratio". Every Sharpe ratio here is per period
 * of the given returns (mean / sample sd, risk-free 0), not annualised: the PSR statistic is built on
 * the per-period ratio and the number of periods, and srVariance must be on that same scale.
 */

const EULER_GAMMA = 0.5772156649015329;

export interface SharpeMoments {
  /** Per-period Sharpe ratio, mean / sample sd (n − 1). */
  sr: number;
  /** Population (biased) skewness m3 / m2^1.5. */
  skew: number;
  /** Population (biased) kurtosis m4 / m2², not excess: 3 for a normal distribution. */
  kurtosis: number;
  n: number;
}

/** null for fewer than two returns or no variation. */
export function sharpeMoments(returns: readonly number[]): SharpeMoments | null {
  const n = returns.length;
  if (n < 2) return null;
  const m = mean(returns);
  const sd = sampleStandardDeviation(returns);
  if (isNegligibleSd(sd, m)) return null;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d = r - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { sr: m / sd, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2), n };
}

/**
 * PSR(SR*) = Φ((SR − SR*) √(n − 1) / √(1 − γ₃ SR + (γ₄ − 1) / 4 · SR²)): the probability that the
 * true Sharpe ratio exceeds SR* given the estimate's sample length, skewness γ₃ and kurtosis γ₄.
 */
export function psrFromMoments(m: SharpeMoments, benchmarkSr: number): number | null {
  // ≥ (γ₃ SR / 2 − 1)² ≥ 0 since γ₄ ≥ γ₃² + 1; exactly 0 only for degenerate two-point returns.
  const variance = 1 - m.skew * m.sr + ((m.kurtosis - 1) / 4) * m.sr * m.sr;
  if (!(variance > 0)) return null;
  return normalCdf(((m.sr - benchmarkSr) * Math.sqrt(m.n - 1)) / Math.sqrt(variance));
}

export function probabilisticSharpe(returns: readonly number[], benchmarkSr: number): number | null {
  const m = sharpeMoments(returns);
  return m ? psrFromMoments(m, benchmarkSr) : null;
}

/**
 * E[max SR] over nTrials independent trials whose Sharpe ratios have variance varianceOfSr and mean 0:
 * √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ the Euler–Mascheroni constant. One trial: 0.
 */
export function expectedMaxSharpe(nTrials: number, varianceOfSr: number): number {
  if (!Number.isInteger(nTrials) || nTrials < 1) throw new RangeError(`nTrials must be a positive integer, got ${nTrials}`);
  if (!(varianceOfSr >= 0) || !Number.isFinite(varianceOfSr)) throw new RangeError(`varianceOfSr must be ≥ 0, got ${varianceOfSr}`);
  if (nTrials === 1) return 0;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / nTrials) + EULER_GAMMA * normalQuantile(1 - 1 / (nTrials * Math.E));
  return Math.sqrt(varianceOfSr) * z;
}

export interface DeflatedSharpe {
  /** Per-period Sharpe ratio of the returns. */
  sr: number | null;
  /** PSR against 0. */
  psr: number | null;
  /** PSR against benchmark, the expected best Sharpe ratio of nTrials skill-less trials. */
  dsr: number | null;
  benchmark: number;
}

/** nTrials: configurations tried before picking this one; srVariance: variance of their per-period Sharpe ratios. */
export function deflatedSharpe(returns: readonly number[], opts: { nTrials: number; srVariance: number }): DeflatedSharpe {
  const benchmark = expectedMaxSharpe(opts.nTrials, opts.srVariance);
  const m = sharpeMoments(returns);
  if (!m) return { sr: null, psr: null, dsr: null, benchmark };
  return { sr: m.sr, psr: psrFromMoments(m, 0), dsr: psrFromMoments(m, benchmark), benchmark };
}
