/**
 * Cross-sectional z-scores: each column of `rows` (one row per asset, same date) standardised by the
 * column's mean and population standard deviation across the rows, winsorised at ±clip. A column
 * with no spread scores 0 everywhere.
 */
export function crossSectionalZ(rows: readonly (readonly number[])[], clip: number): number[][] {
  const n = rows.length;
  const width = rows[0]?.length ?? 0;
  const out = rows.map(() => new Array<number>(width).fill(0));
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j]!;
    mean /= n;
    let variance = 0;
    for (const r of rows) variance += (r[j]! - mean) ** 2;
    const std = Math.sqrt(variance / n);
    if (!(std > 0)) continue;
    for (let i = 0; i < n; i++) out[i]![j] = Math.max(-clip, Math.min(clip, (rows[i]![j]! - mean) / std));
  }
  return out;
}

/**
 * Time-series z-scores: each feature of vector i standardised by the mean and population standard
 * deviation of that feature over the trailing `window` vectors i−window+1..i (nulls skipped),
 * winsorised at ±clip; null where the vector is null or fewer than `minHistory` values are available.
 * Reads only vectors up to i, so it is point in time.
 */
export function timeSeriesZ(vectors: readonly (readonly number[] | null)[], window: number, minHistory: number, clip: number): (number[] | null)[] {
  return vectors.map((v, i) => {
    if (v === null) return null;
    const from = Math.max(0, i - window + 1);
    let count = 0;
    for (let k = from; k <= i; k++) if (vectors[k] !== null) count++;
    if (count < minHistory) return null;
    return v.map((x, j) => {
      let mean = 0;
      for (let k = from; k <= i; k++) mean += vectors[k]?.[j] ?? 0;
      mean /= count;
      let variance = 0;
      for (let k = from; k <= i; k++) {
        const y = vectors[k];
        if (y !== null && y !== undefined) variance += (y[j]! - mean) ** 2;
      }
      const std = Math.sqrt(variance / count);
      return std > 0 ? Math.max(-clip, Math.min(clip, (x - mean) / std)) : 0;
    });
  });
}
