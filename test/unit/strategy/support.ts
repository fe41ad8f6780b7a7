import { expect } from "vitest";
import { loadCandles, loadFunding, type FundingPoint } from "../../../sim/data/candles";
import type { Candle } from "../../../src/lib/market/candle";
import type { StampedPoint, StrategyContext } from "../../../src/lib/strategy/strategy";

export const H = 3_600_000;
export const TF4H = 4 * H;
export const SYMBOLS = [
  { file: "BTCUSDT", symbol: "BTC/USDT" },
  { file: "ETHUSDT", symbol: "ETH/USDT" },
  { file: "SOLUSDT", symbol: "SOL/USDT" },
] as const;

export const candles4h = (file: string): Candle[] => loadCandles(file, "4h");

/** Shipped funding as the context carries it. */
export const fundingPoints = (file: string): StampedPoint[] => loadFunding(file).map((f: FundingPoint) => ({ at: f.t, value: f.rate }));

/** Indices of the 4h candles that open in [from, to) (ms), each at least `warmup` candles into the file. */
export function indicesBetween(candles: readonly Candle[], from: number, to: number, warmup = 119): number[] {
  const out: number[] = [];
  for (let i = warmup; i < candles.length; i++) if (candles[i]!.t >= from && candles[i]!.t < to) out.push(i);
  return out;
}

/** A point-in-time context at the close of candle `i`, holding the `size` candles ending with it. */
export function ctxAtClose(symbol: string, candles: readonly Candle[], i: number, over: Partial<StrategyContext> = {}, size = 120): StrategyContext {
  return {
    symbol,
    now: candles[i]!.t + TF4H,
    candles: { "4h": candles.slice(i - size + 1, i + 1) },
    funding: [],
    openInterest: null,
    regime: null,
    position: null,
    ...over,
  };
}

export const iso = (t: number): string => new Date(t).toISOString();

/** Tallies actions so a test can require that each one occurred. */
export function tally(actions: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of actions) out[a] = (out[a] ?? 0) + 1;
  return out;
}

/** |actual − expected| ≤ 1e-9·|expected| + 1e-12. */
export function expectNear(actual: unknown, expected: number, label = ""): void {
  expect(typeof actual, label).toBe("number");
  const a = actual as number;
  expect(Math.abs(a - expected), `${label}: ${a} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
}
