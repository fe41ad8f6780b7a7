import { linearRegression } from "simple-statistics";
import { partitionMoments, unionSharpe } from "./partition-moments";

/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado & Zhu 2015). For every choice of S/2 of the S row blocks as in-sample (the rest out
 * of sample): take the configuration with the best in-sample Sharpe ratio, its relative out-of-sample
 * rank ω = rank / (N + 1) (1 = worst, ties at their mid-rank) and the logit ln(ω / (1 − ω)).
 * PBO is the share of logits ≤ 0: how often the in-sample winner does no better than the median.
 */

export interface PboResult {
  pbo: number;
  /** One per combination, in the order of the in-sample block sets. */
  logits: number[];
  /** C(S, S/2). */
  combinations: number;
  /**
   * Least-squares line of the winner's out-of-sample Sharpe on its in-sample Sharpe (per period),
   * over combinations where both are finite; null when fewer than two or all in-sample values equal.
   */
  performanceDegradation: { slope: number | null; intercept: number | null };
}

function checkMatrix(rows: readonly (readonly number[])[], partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 2 || partitions % 2 !== 0 || partitions > 30) {
    throw new RangeError(`partitions must be an even integer in [2, 30], got ${partitions}`);
  }
  const columns = rows[0]?.length ?? 0;
  if (columns < 2) throw new RangeError(`need at least 2 configurations, got ${columns}`);
  if (Math.floor(rows.length / partitions) * (partitions / 2) < 2) {
    throw new RangeError(`${rows.length} periods are too few for ${partitions} partitions: each half needs 2`);
  }
  for (const [t, row] of rows.entries()) {
    if (row.length !== columns) throw new RangeError(`row ${t} has ${row.length} values, expected ${columns}`);
    if (!row.every(Number.isFinite)) throw new RangeError(`row ${t} has a non-finite return`);
  }
}

/** Index sets of size k out of 0..s−1, ascending by their bit masks (Gosper's hack). */
function* halves(s: number, k: number): Generator<{ inSample: number[]; outOfSample: number[] }> {
  for (let mask = (1 << k) - 1; mask < 1 << s;) {
    const inSample: number[] = [];
    const outOfSample: number[] = [];
    for (let i = 0; i < s; i++) (mask & (1 << i) ? inSample : outOfSample).push(i);
    yield { inSample, outOfSample };
    const low = mask & -mask;
    const ripple = mask + low;
    mask = ripple | (((mask ^ ripple) >>> 2) / low);
  }
}

/** rows: T periods × N configurations of per-period returns; partitions: S, even (default 16). */
export function probabilityOfBacktestOverfitting(rows: readonly (readonly number[])[], opts: { partitions?: number } = {}): PboResult {
  const partitions = opts.partitions ?? 16;
  checkMatrix(rows, partitions);
  const pm = partitionMoments(rows, partitions);
  const n = pm.columns;
  const isSr = new Float64Array(n);
  const oosSr = new Float64Array(n);
  const logits: number[] = [];
  const pairs: number[][] = [];
  for (const { inSample, outOfSample } of halves(partitions, partitions / 2)) {
    unionSharpe(pm, inSample, isSr);
    unionSharpe(pm, outOfSample, oosSr);
    let best = 0;
    for (let j = 1; j < n; j++) if (isSr[j]! > isSr[best]!) best = j;
    const chosen = oosSr[best]!;
    let below = 0;
    let equal = 0;
    for (let j = 0; j < n; j++) {
      if (oosSr[j]! < chosen) below++;
      else if (oosSr[j] === chosen) equal++;
    }
    const omega = (below + (equal + 1) / 2) / (n + 1);
    logits.push(Math.log(omega / (1 - omega)));
    if (Number.isFinite(isSr[best]!) && Number.isFinite(chosen)) pairs.push([isSr[best]!, chosen]);
  }
  const overfit = logits.filter((l) => l <= 0).length;
  return { pbo: overfit / logits.length, logits, combinations: logits.length, performanceDegradation: degradation(pairs) };
}

function degradation(pairs: number[][]): { slope: number | null; intercept: number | null } {
  if (pairs.length < 2) return { slope: null, intercept: null };
  const { m, b } = linearRegression(pairs);
  return Number.isFinite(m) && Number.isFinite(b) ? { slope: m, intercept: b } : { slope: null, intercept: null };
}
