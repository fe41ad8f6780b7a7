import { expect } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import type { Candle } from "../../../src/lib/market/candle";

export const DAY = 86_400_000;

/** |actual − expected| ≤ 1e-9·|expected| + 1e-12. */
export function expectClose(actual: number | null | undefined, expected: number, label = ""): void {
  if (actual === null || actual === undefined) throw new Error(`${label}: expected ${expected}, got ${actual}`);
  const tolerance = 1e-9 * Math.abs(expected) + 1e-12;
  if (!(Math.abs(actual - expected) <= tolerance)) expect.fail(`${label}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)}`);
}

/** Shipped daily candles of BTC, ETH and SOL. */
export function dailyUniverse(): Record<string, Candle[]> {
  return { BTCUSDT: loadCandles("BTCUSDT", "1d"), ETHUSDT: loadCandles("ETHUSDT", "1d"), SOLUSDT: loadCandles("SOLUSDT", "1d") };
}

/** Index of the daily candle opened at `t`. */
export function indexAt(candles: readonly Candle[], t: number): number {
  const i = candles.findIndex((c) => c.t === t);
  if (i < 0) throw new Error(`no candle at ${new Date(t).toISOString()}`);
  return i;
}
