/**
 * Min/max bucketing: keeps the first and last points, splits the rest into equal-count buckets and keeps
 * each bucket's lowest and highest point in their original order, so peaks and troughs survive. Returns
 * at most `maxPoints` points (the input itself when it is already short enough).
 */
export function downsampleMinMax<T>(points: readonly T[], maxPoints: number, value: (p: T) => number): T[] {
  if (!(maxPoints >= 4)) throw new RangeError(`maxPoints must be at least 4, got ${maxPoints}`);
  const n = points.length;
  if (n <= maxPoints || n <= 2) return points.slice();
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  const out: T[] = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      const v = value(points[i]!);
      if (v < value(points[lo]!)) lo = i;
      if (v > value(points[hi]!)) hi = i;
    }
    if (lo === hi) out.push(points[lo]!);
    else if (lo < hi) out.push(points[lo]!, points[hi]!);
    else out.push(points[hi]!, points[lo]!);
  }
  out.push(points[n - 1]!);
  return out;
}
