import { describe, expect, it } from "vitest";
import { Bollinger, bollinger } from "../../../src/lib/market/indicators/bollinger";
import { btc4h, expectClose, runWithRestore } from "./support";

const closes = btc4h().map((c) => c.c);

describe("Bollinger bands", () => {
  it("uses the population std on a hand-worked window", () => {
    // window 2,4,4,4,5,5,7,9: mean 40/8 = 5; squared deviations 9,1,1,1,0,0,4,16 sum 32 → pop var 4 → std 2
    // k = 2 → upper 9, lower 1; last close 9 → %B = (9−1)/(9−1) = 1
    const out = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2);
    expect(out.slice(0, 7).every((b) => b === null)).toBe(true);
    expect(out[7]).toEqual({ middle: 5, upper: 9, lower: 1, std: 2, percentB: 1 });
  });

  it("puts %B at 0.5 when the bands collapse on a flat series", () => {
    expect(bollinger([3, 3, 3], 3, 2)[2]).toEqual({ middle: 3, upper: 3, lower: 3, std: 0, percentB: 0.5 });
  });

  it("matches a two-pass mean/std on real 4h closes", () => {
    const out = bollinger(closes, 20, 2);
    let compared = 0;
    for (let i = 19; i < closes.length; i++) {
      const window = closes.slice(i - 19, i + 1);
      const mean = window.reduce((a, b) => a + b, 0) / 20;
      const std = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
      const band = out[i]!;
      expectClose(band.middle, mean, `middle ${i}`);
      expectClose(band.std, std, `std ${i}`);
      expectClose(band.upper, mean + 2 * std, `upper ${i}`);
      expectClose(band.lower, mean - 2 * std, `lower ${i}`);
      expectClose(band.percentB, (closes[i]! - (mean - 2 * std)) / (4 * std), `%B ${i}`);
      compared++;
    }
    expect(compared).toBe(closes.length - 19);
  });

  it("gives the same values streamed as in batch", () => {
    const streaming = new Bollinger();
    expect(closes.map((c) => streaming.update(c))).toEqual(bollinger(closes));
  });

  it("continues identically after a JSON restore mid-stream", () => {
    const { uninterrupted, restored } = runWithRestore(() => new Bollinger(20, 2.5), Bollinger.fromJSON, closes, 977);
    expect(restored).toEqual(uninterrupted);
  });
});
