import { describe, expect, it } from "vitest";
import { Rsi, rsi } from "../../../src/lib/market/indicators/rsi";
import { btc4h, expectClose, expectSeriesClose, runWithRestore } from "./support";

/** Wilder's RSI written out: gains/losses, plain-mean seed over the first n changes, then Wilder smoothing. */
function naiveRsi(closes: readonly number[], n: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i < n) {
      avgGain += gain;
      avgLoss += loss;
      out.push(null);
      continue;
    }
    if (i === n) {
      avgGain = (avgGain + gain) / n;
      avgLoss = (avgLoss + loss) / n;
    } else {
      avgGain = (avgGain * (n - 1) + gain) / n;
      avgLoss = (avgLoss * (n - 1) + loss) / n;
    }
    out.push(avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss));
  }
  return out;
}

const closes = btc4h().map((c) => c.c);

describe("RSI (Wilder)", () => {
  it("follows Wilder's recurrence on a hand-worked series", () => {
    // period 2, closes 10,12,11,14,13 → changes +2, −1, +3, −1
    // seed: avgGain = (2+0)/2 = 1, avgLoss = (0+1)/2 = 0.5 → RS = 2 → RSI = 100 − 100/3 = 66.666…
    // +3:   avgGain = (1·1+3)/2 = 2, avgLoss = (0.5·1+0)/2 = 0.25 → RS = 8 → RSI = 100 − 100/9 = 88.888…
    // −1:   avgGain = (2·1+0)/2 = 1, avgLoss = (0.25·1+1)/2 = 0.625 → RS = 1.6 → RSI = 100 − 100/2.6 = 61.538…
    const out = rsi([10, 12, 11, 14, 13], 2);
    expect(out.slice(0, 2)).toEqual([null, null]);
    expectClose(out[2], 200 / 3);
    expectClose(out[3], 800 / 9);
    expectClose(out[4], 100 - 100 / 2.6);
  });

  it("is 100 when there were no losses", () => {
    expect(rsi([1, 2, 3, 4, 5], 3)).toEqual([null, null, null, 100, 100]);
  });

  it("matches the naive computation on real 4h closes", () => {
    for (const n of [2, 14, 30]) expect(expectSeriesClose(rsi(closes, n), naiveRsi(closes, n))).toBe(closes.length - n);
  });

  it("stays within [0, 100] on real data", () => {
    for (const v of rsi(closes, 14)) if (v !== null) expect(v >= 0 && v <= 100).toBe(true);
  });

  it("gives the same values streamed as in batch", () => {
    const streaming = new Rsi();
    expect(closes.map((c) => streaming.update(c))).toEqual(rsi(closes, 14));
  });

  it("continues identically after a JSON restore mid-stream and mid-seed", () => {
    for (const split of [1, 7, 1800]) {
      const { uninterrupted, restored } = runWithRestore(() => new Rsi(14), Rsi.fromJSON, closes, split);
      expect(restored).toEqual(uninterrupted);
    }
  });
});
