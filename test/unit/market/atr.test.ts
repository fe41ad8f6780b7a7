import { describe, expect, it } from "vitest";
import { Atr, atr, atrPercent, type HighLowClose } from "../../../src/lib/market/indicators/atr";
import { btc4h, expectClose, expectSeriesClose, runWithRestore } from "./support";

function naiveAtr(candles: readonly HighLowClose[], n: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let value = 0;
  for (let i = 1; i < candles.length; i++) {
    const { h, l } = candles[i]!;
    const pc = candles[i - 1]!.c;
    const tr = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
    if (i < n) {
      value += tr;
      out.push(null);
    } else {
      value = i === n ? (value + tr) / n : (value * (n - 1) + tr) / n;
      out.push(value);
    }
  }
  return out;
}

const candles = btc4h();

describe("ATR (Wilder)", () => {
  it("uses true ranges and Wilder smoothing on hand-worked candles", () => {
    // bar0 h10 l8 c9: no previous close, no true range
    // bar1 h11 l9 c10: TR = max(2, |11−9|, |9−9|) = 2
    // bar2 h13 l11 c12: TR = max(2, |13−10|, |11−10|) = 3 → ATR = (2+3)/2 = 2.5, ATR% = 2.5/12·100 = 20.8333…
    // bar3 h12 l7 c8: TR = max(5, |12−12|, |7−12|) = 5 → ATR = (2.5·1 + 5)/2 = 3.75, ATR% = 3.75/8·100 = 46.875
    const bars = [
      { h: 10, l: 8, c: 9 },
      { h: 11, l: 9, c: 10 },
      { h: 13, l: 11, c: 12 },
      { h: 12, l: 7, c: 8 },
    ];
    expect(atr(bars, 2)).toEqual([null, null, 2.5, 3.75]);
    const pct = atrPercent(bars, 2);
    expect(pct.slice(0, 2)).toEqual([null, null]);
    expectClose(pct[2], 250 / 12);
    expectClose(pct[3], 46.875);
  });

  it("matches the naive computation on real 4h candles", () => {
    const expected = naiveAtr(candles, 14);
    expect(expectSeriesClose(atr(candles, 14), expected)).toBe(candles.length - 14);
    const expectedPct = expected.map((v, i) => (v === null ? null : (100 * v) / candles[i]!.c));
    expect(expectSeriesClose(atrPercent(candles, 14), expectedPct)).toBe(candles.length - 14);
  });

  it("gives the same values streamed as in batch, with ATR% of the latest close", () => {
    const streaming = new Atr();
    expect(candles.map((c) => streaming.update(c))).toEqual(atr(candles, 14));
    expect(streaming.percent).toBe(atrPercent(candles, 14).at(-1));
  });

  it("continues identically after a JSON restore mid-stream", () => {
    const { uninterrupted, restored } = runWithRestore(() => new Atr(14), Atr.fromJSON, candles, 1111);
    expect(restored).toEqual(uninterrupted);
  });
});
