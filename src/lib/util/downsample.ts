/**
 * At most `max` (≥ 2) of `points`, evenly spaced by index, the first and the last always kept and the
 * order unchanged. Returns the input itself when it is short enough.
 */
export function downsample<T>(points: readonly T[], max: number): readonly T[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError(`downsample keeps at least 2 points, not ${max}`);
  const n = points.length;
  if (n <= max) return points;
  const out: T[] = [];
  // (n − 1) / (max − 1) > 1, so the rounded indices are strictly increasing: no point twice.
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (n - 1)) / (max - 1))]!);
  return out;
}
