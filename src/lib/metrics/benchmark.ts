import type { PricePoint } from "./types";

/** The close of the latest point at or before t (in any order), or null when the series starts later. */
export function priceAt(series: readonly PricePoint[], t: number): number | null {
  let best: PricePoint | null = null;
  for (const p of series) if (p.t <= t && (!best || p.t >= best.t)) best = p;
  if (!best) return null;
  if (!Number.isFinite(best.close) || best.close <= 0) throw new RangeError(`benchmark close must be positive, got ${best.close} at ${best.t}`);
  return best.close;
}

/** Buy at the price as of `from`, hold to `to`; null when the series does not reach back to `from`. */
export function buyAndHoldReturn(series: readonly PricePoint[], from: number, to: number): number | null {
  const start = priceAt(series, from);
  const end = priceAt(series, to);
  return start === null || end === null ? null : end / start - 1;
}

/**
 * Equal weights bought at `from` and never rebalanced, so the basket's return is the mean of its
 * members'. null for an empty basket or when any member cannot be priced at `from`: dropping it
 * would quietly change the benchmark.
 */
export function basketReturn(basket: Readonly<Record<string, readonly PricePoint[]>>, from: number, to: number): number | null {
  const members = Object.values(basket);
  if (members.length === 0) return null;
  let sum = 0;
  for (const series of members) {
    const r = buyAndHoldReturn(series, from, to);
    if (r === null) return null;
    sum += r;
  }
  return sum / members.length;
}
