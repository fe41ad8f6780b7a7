import type { StampedPoint } from "../strategy/strategy";

const EIGHT_HOURS = 8 * 3_600_000;

/**
 * The derivatives agent's funding input: the mean of the last `count` funding rates settled at or
 * before `now`, each rescaled to an 8 h interval by the time since the previous settlement (Binance
 * shortens the interval in stress, e.g. SOLUSDT's 2 h funding in November 2022, a rate paid every 2 h
 * costs four times as much per 8 h). Intervals are capped at 8 h (Binance's longest), so a gap in the
 * history or the first point, with no predecessor, counts as 8 h. Null when
 * nothing settled or the latest settlement is older than `maxAgeMs`.
 */
export function recentFunding(points: readonly StampedPoint[], now: number, count = 3, maxAgeMs = 24 * 3_600_000): number | null {
  let end = points.length;
  while (end > 0 && points[end - 1]!.at > now) end--;
  if (end === 0 || now - points[end - 1]!.at > maxAgeMs) return null;
  const from = Math.max(0, end - count);
  let sum = 0;
  for (let i = from; i < end; i++) {
    const p = points[i]!;
    const prev = points[i - 1];
    const interval = prev === undefined ? EIGHT_HOURS : Math.min(EIGHT_HOURS, p.at - prev.at);
    if (!(interval > 0)) throw new Error(`funding points must be in increasing time order (at ${p.at})`);
    sum += p.value * (EIGHT_HOURS / interval);
  }
  return sum / (end - from);
}
