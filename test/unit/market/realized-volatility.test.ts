import { describe, expect, it } from "vitest";
import { RealizedVolatility, realizedVolatility } from "../../../src/lib/market/indicators/realized-volatility";
import { btc4h, expectClose, expectSeriesClose, runWithRestore } from "./support";

const closes = btc4h().map((c) => c.c);

function naiveRealizedVol(xs: readonly number[], n: number, periodsPerYear: number): (number | null)[] {
  return xs.map((_, i) => {
    if (i < n) return null;
    const rets: number[] = [];
    for (let j = i - n + 1; j <= i; j++) rets.push(Math.log(xs[j]! / xs[j - 1]!));
    const mean = rets.reduce((a, b) => a + b, 0) / n;
    const sampleVar = rets.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    return Math.sqrt(sampleVar) * Math.sqrt(periodsPerYear);
  });
}

describe("realized volatility", () => {
  it("is the sample std of log returns, optionally annualised, by hand", () => {
    // closes 100, 100·e^0.01, 100 → log returns +0.01, −0.01; mean 0
    // sample var = (0.0001 + 0.0001)/(2−1) = 0.0002 → std = 0.01·√2; annualised over 365 periods ×√365
    const series = [100, 100 * Math.exp(0.01), 100];
    expect(realizedVolatility(series, 2).slice(0, 2)).toEqual([null, null]);
    expectClose(realizedVolatility(series, 2)[2], 0.01 * Math.SQRT2);
    expectClose(realizedVolatility(series, 2, 365)[2], 0.01 * Math.SQRT2 * Math.sqrt(365));
  });

  it("matches a two-pass computation on real 4h closes", () => {
    // 4h candles: 6 per day · 365 days = 2190 periods per year
    expect(expectSeriesClose(realizedVolatility(closes, 42, 2190), naiveRealizedVol(closes, 42, 2190))).toBe(closes.length - 42);
    expect(expectSeriesClose(realizedVolatility(closes, 30), naiveRealizedVol(closes, 30, 1))).toBe(closes.length - 30);
  });

  it("gives the same values streamed as in batch and after a JSON restore", () => {
    const streaming = new RealizedVolatility(30, 2190);
    expect(closes.map((c) => streaming.update(c))).toEqual(realizedVolatility(closes, 30, 2190));
    const { uninterrupted, restored } = runWithRestore(() => new RealizedVolatility(30, 2190), RealizedVolatility.fromJSON, closes, 1717);
    expect(restored).toEqual(uninterrupted);
  });

  it("throws on a non-positive price", () => {
    expect(() => new RealizedVolatility(5).update(0)).toThrow();
  });
});
