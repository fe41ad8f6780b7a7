import { describe, expect, it } from "vitest";
import { Ema, ema } from "../../../src/lib/market/indicators/ema";
import { Sma, sma } from "../../../src/lib/market/indicators/sma";
import { btc4h, expectSeriesClose, runWithRestore } from "./support";

function naiveSma(xs: readonly number[], n: number): (number | null)[] {
  return xs.map((_, i) => {
    if (i < n - 1) return null;
    let sum = 0;
    for (let j = i - n + 1; j <= i; j++) sum += xs[j]!;
    return sum / n;
  });
}

function naiveEma(xs: readonly number[], n: number): (number | null)[] {
  const alpha = 2 / (n + 1);
  const out: (number | null)[] = [];
  let e = 0;
  for (let i = 0; i < xs.length; i++) {
    if (i < n - 1) {
      out.push(null);
    } else if (i === n - 1) {
      let seed = 0;
      for (let j = 0; j < n; j++) seed += xs[j]!;
      e = seed / n;
      out.push(e);
    } else {
      e = alpha * xs[i]! + (1 - alpha) * e;
      out.push(e);
    }
  }
  return out;
}

const closes = btc4h().map((c) => c.c);

describe("SMA", () => {
  it("averages the last n values by hand", () => {
    // SMA(3) of 1,2,3,4,5: (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
  });

  it("matches a naive window sum on real 4h closes", () => {
    for (const n of [5, 20, 50, 200]) expect(expectSeriesClose(sma(closes, n), naiveSma(closes, n))).toBe(closes.length - n + 1);
  });

  it("gives the same values streamed as in batch", () => {
    const streaming = new Sma(20);
    expect(closes.map((c) => streaming.update(c))).toEqual(sma(closes, 20));
    expect(streaming.isReady).toBe(true);
    expect(streaming.value).toBe(sma(closes, 20).at(-1));
  });

  it("continues identically after a JSON restore mid-stream", () => {
    const { uninterrupted, restored } = runWithRestore(() => new Sma(50), Sma.fromJSON, closes, 1237);
    expect(restored).toEqual(uninterrupted);
  });

  it("throws on NaN input", () => {
    expect(() => new Sma(3).update(Number.NaN)).toThrow();
  });
});

describe("EMA", () => {
  it("seeds with the SMA of the first n values and then smooths by hand", () => {
    // n = 3 → α = 2/4 = 0.5. Seed = (1+2+3)/3 = 2; then 2 + 0.5·(4−2) = 3; 3 + 0.5·(5−3) = 4; 4 + 0.5·(2−4) = 3
    expect(ema([1, 2, 3, 4, 5, 2], 3)).toEqual([null, null, 2, 3, 4, 3]);
  });

  it("matches the textbook recurrence on real 4h closes", () => {
    for (const n of [9, 21, 200]) expect(expectSeriesClose(ema(closes, n), naiveEma(closes, n))).toBe(closes.length - n + 1);
  });

  it("gives the same values streamed as in batch", () => {
    const streaming = new Ema(21);
    expect(closes.map((c) => streaming.update(c))).toEqual(ema(closes, 21));
  });

  it("continues identically after a JSON restore, also during warm-up", () => {
    for (const split of [5, 1500]) {
      const { uninterrupted, restored } = runWithRestore(() => new Ema(21), Ema.fromJSON, closes, split);
      expect(restored).toEqual(uninterrupted);
    }
  });
});
