import { expect } from "vitest";
import type { Candle } from "../../../src/lib/market/candle";
import { loadCandles } from "../../../sim/data/candles";

/** 2500 consecutive real BTCUSDT 4h candles (2024-07 .. 2025-08), enough for every warm-up. */
export function btc4h(): Candle[] {
  const all = loadCandles("BTCUSDT", "4h");
  const from = all.findIndex((c) => c.t === Date.UTC(2024, 6, 1));
  return all.slice(from, from + 2500);
}

/**
 * |actual − expected| ≤ 1e-9·|expected|, with a 1e-12 absolute floor so values that are exactly 0
 * in the reference (or cross 0) still compare.
 */
export function expectClose(actual: number | null | undefined, expected: number, label = ""): void {
  if (actual === null || actual === undefined) throw new Error(`${label}: expected ${expected}, got ${actual}`);
  const tolerance = 1e-9 * Math.abs(expected) + 1e-12;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`${label}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tolerance})`);
  }
}

/**
 * Compares a series against a reference: null exactly where the reference is null, close elsewhere.
 * Returns how many numbers were compared so callers can assert the comparison was not vacuous.
 */
export function expectSeriesClose(actual: readonly (number | null)[], expected: readonly (number | null)[]): number {
  expect(actual.length).toBe(expected.length);
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e === null || e === undefined) {
      expect(actual[i], `index ${i}`).toBeNull();
    } else {
      expectClose(actual[i], e, `index ${i}`);
      compared++;
    }
  }
  return compared;
}

/**
 * Feeds `inputs` to one indicator without interruption and to another that is serialised to JSON
 * text and restored at `split`; returns both output series for an exact comparison.
 */
export function runWithRestore<I, O, S>(
  make: () => { update(x: I): O | null; toJSON(): S },
  restore: (state: S) => { update(x: I): O | null },
  inputs: readonly I[],
  split: number,
): { uninterrupted: (O | null)[]; restored: (O | null)[] } {
  const straight = make();
  const uninterrupted = inputs.map((x) => straight.update(x));
  const first = make();
  const restored = inputs.slice(0, split).map((x) => first.update(x));
  const revived = restore(JSON.parse(JSON.stringify(first.toJSON())) as S);
  for (const x of inputs.slice(split)) restored.push(revived.update(x));
  return { uninterrupted, restored };
}
