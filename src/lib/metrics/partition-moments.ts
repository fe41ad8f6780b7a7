/**
 * Per-partition count, mean and sum of squared deviations (M2) of every column of a T × N matrix cut
 * into S contiguous row blocks whose sizes differ by at most one (the first T mod S blocks get the
 * extra row, so no period is dropped). Any union of blocks then has its mean and M2 by Chan's
 * pairwise formula in O(blocks · N), stable where Σx² − (Σx)²/n would cancel.
 */
export interface PartitionMoments {
  partitions: number;
  columns: number;
  counts: number[];
  /** means[s * columns + n]. */
  means: Float64Array;
  m2: Float64Array;
}

export function partitionMoments(rows: readonly (readonly number[])[], partitions: number): PartitionMoments {
  const columns = rows[0]?.length ?? 0;
  const base = Math.floor(rows.length / partitions);
  const extra = rows.length % partitions;
  const counts: number[] = [];
  const means = new Float64Array(partitions * columns);
  const m2 = new Float64Array(partitions * columns);
  let row = 0;
  for (let s = 0; s < partitions; s++) {
    const count = base + (s < extra ? 1 : 0);
    counts.push(count);
    const off = s * columns;
    for (let i = row; i < row + count; i++) for (let n = 0; n < columns; n++) means[off + n]! += rows[i]![n]! / count;
    for (let i = row; i < row + count; i++) {
      for (let n = 0; n < columns; n++) {
        const d = rows[i]![n]! - means[off + n]!;
        m2[off + n]! += d * d;
      }
    }
    row += count;
  }
  return { partitions, columns, counts, means, m2 };
}

/**
 * Sharpe ratio (mean / sample sd) of every column over the union of blocks `set`, written into `out`.
 * A column with no variation gets ±Infinity by the sign of its mean (0 for a zero mean), so a steady
 * gain still ranks above a noisy one.
 */
export function unionSharpe(pm: PartitionMoments, set: readonly number[], out: Float64Array): void {
  let count = 0;
  for (const s of set) count += pm.counts[s]!;
  for (let n = 0; n < pm.columns; n++) {
    let mean = 0;
    for (const s of set) mean += (pm.counts[s]! * pm.means[s * pm.columns + n]!) / count;
    let m2 = 0;
    for (const s of set) {
      const d = pm.means[s * pm.columns + n]! - mean;
      m2 += pm.m2[s * pm.columns + n]! + pm.counts[s]! * d * d;
    }
    const sd = Math.sqrt(m2 / (count - 1));
    out[n] = sd > 1e-10 * Math.abs(mean) ? mean / sd : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  }
}
