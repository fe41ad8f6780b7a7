// Independent textbook formulas written out as naive loops: the strategies are checked against
// these, never against the library's indicators.

/** Wilder's RSI of the whole series: seed with the plain mean of the first `p` changes, then smooth. */
export function refRsi(c: readonly number[], p = 14): number {
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= p; i++) {
    const d = c[i]! - c[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= p;
  loss /= p;
  for (let i = p + 1; i < c.length; i++) {
    const d = c[i]! - c[i - 1]!;
    gain = (gain * (p - 1) + (d > 0 ? d : 0)) / p;
    loss = (loss * (p - 1) + (d < 0 ? -d : 0)) / p;
  }
  return loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
}

/** Mean and population standard deviation of the last `n` values; bands at ±k·sd. */
export function refBands(c: readonly number[], n = 20, k = 2) {
  let sum = 0;
  for (let i = c.length - n; i < c.length; i++) sum += c[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = c.length - n; i < c.length; i++) sq += (c[i]! - mean) ** 2;
  const sd = Math.sqrt(sq / n);
  return { mean, sd, upper: mean + k * sd, lower: mean - k * sd };
}

/** close / close n periods ago − 1. */
export function refMomentum(c: readonly number[], n = 14): number {
  return c[c.length - 1]! / c[c.length - 1 - n]! - 1;
}

/** Kaufman efficiency ratio over the last n changes. */
export function refEfficiency(c: readonly number[], n = 14): number {
  const last = c.length - 1;
  let path = 0;
  for (let i = last - n + 1; i <= last; i++) path += Math.abs(c[i]! - c[i - 1]!);
  const net = Math.abs(c[last]! - c[last - n]!);
  return path === 0 || net === 0 ? 0 : Math.min(1, net / path);
}

/** Mean of values[from, to). */
export function refMean(values: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i]!;
  return s / (to - from);
}
