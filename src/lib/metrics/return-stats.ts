import { mean, sampleStandardDeviation } from "simple-statistics";

export interface ReturnStats {
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
}

/**
 * A deviation this small next to the mean is rounding noise of constant returns (their mean is not
 * exactly representable), not risk: dividing by it would report a Sharpe ratio near 1e16.
 */
export function isNegligibleSd(sd: number, meanValue: number): boolean {
  return !(sd > 1e-10 * Math.abs(meanValue));
}

/**
 * Annualised volatility, Sharpe and Sortino of per-period returns (risk-free rate and target 0).
 * Sortino's downside deviation is √(Σ min(r, 0)² / n) over all n periods, losing or not
 * (Sortino & Price 1994), so a few small losses do not pass for a low downside risk.
 */
export function returnStats(returns: readonly number[], periodsPerYear: number): ReturnStats {
  if (!(periodsPerYear > 0) || !Number.isFinite(periodsPerYear)) throw new RangeError(`periodsPerYear must be positive, got ${periodsPerYear}`);
  if (returns.length < 2) return { volatility: null, sharpe: null, sortino: null };
  const scale = Math.sqrt(periodsPerYear);
  const m = mean(returns);
  const sd = sampleStandardDeviation(returns);
  const flat = isNegligibleSd(sd, m);
  let downside = 0;
  for (const r of returns) if (r < 0) downside += r * r;
  const dd = Math.sqrt(downside / returns.length);
  return {
    volatility: flat ? 0 : sd * scale,
    sharpe: flat ? null : (m / sd) * scale,
    sortino: dd > 0 ? (m / dd) * scale : null,
  };
}
