import type { StampedPoint } from "./strategy";

/** The points (oldest first) stamped at or before `now`: a funding rate settled at `now` is known at `now`. */
export function pointsAsOf(points: readonly StampedPoint[], now: number): readonly StampedPoint[] {
  let end = points.length;
  while (end > 0 && points[end - 1]!.at > now) end--;
  return end === points.length ? points : points.slice(0, end);
}
