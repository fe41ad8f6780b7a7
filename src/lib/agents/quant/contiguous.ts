import type { Candle } from "../../market/candle";
import { DAY_MS } from "./options";

/**
 * The newest run of consecutive daily candles at least `minDays` long (oldest first), or an empty list.
 * Exchanges have outages and shipped histories have holes; the ranker trains on an unbroken run
 * rather than refusing, and says how old its data is through the model's training date.
 */
export function latestContiguousRun(candles: readonly Candle[], minDays: number): Candle[] {
  let end = candles.length;
  for (let i = candles.length - 1; i >= 0; i--) {
    const gapBefore = i === 0 || candles[i]!.t - candles[i - 1]!.t !== DAY_MS;
    if (!gapBefore) continue;
    if (end - i >= minDays) return candles.slice(i, end);
    end = i;
  }
  return [];
}

/** Each symbol's newest unbroken run, all cut at the earliest of their ends so they share one as-of date. */
export function alignedContiguousHistory(bySymbol: Record<string, readonly Candle[]>, minDays: number): { candles: Record<string, Candle[]>; asOf: number } | null {
  const runs = Object.entries(bySymbol).map(([s, c]) => [s, latestContiguousRun(c, minDays)] as const);
  if (runs.some(([, r]) => r.length === 0)) return null;
  const asOf = Math.min(...runs.map(([, r]) => r[r.length - 1]!.t + DAY_MS));
  const candles = Object.fromEntries(runs.map(([s, r]) => [s, r.filter((c) => c.t + DAY_MS <= asOf)]));
  if (Object.values(candles).some((r) => r.length < minDays)) return null;
  return { candles, asOf };
}
