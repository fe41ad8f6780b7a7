import type { EquityPoint } from "./types";

/**
 * The curve in time order (stable, so of two points at the same ms the later given wins), after
 * checking every point: times finite, equity finite and positive (a return off a zero base is undefined).
 */
export function checkedCurve(points: readonly EquityPoint[]): EquityPoint[] {
  for (const p of points) {
    if (!Number.isFinite(p.t)) throw new RangeError(`equity point time must be finite, got ${p.t}`);
    if (!Number.isFinite(p.equity) || p.equity <= 0) throw new RangeError(`equity must be finite and positive, got ${p.equity} at ${p.t}`);
  }
  let sorted = true;
  for (let i = 1; i < points.length && sorted; i++) sorted = points[i - 1]!.t <= points[i]!.t;
  return sorted ? [...points] : [...points].sort((a, b) => a.t - b.t);
}
