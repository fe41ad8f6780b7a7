import { describe, expect, it } from "vitest";
import { dailyCloses, dailyReturns } from "../../../src/lib/metrics";

const D = 86_400_000;
const T0 = Date.UTC(2025, 2, 30); // 2025-03-30 00:00 UTC (a European DST switch day: UTC days are unaffected)

describe("daily resampling", () => {
  it("takes the last point of each UTC day, splitting at midnight UTC", () => {
    const closes = dailyCloses([
      { t: T0, equity: 100 },
      { t: T0 + D - 1, equity: 101 }, // 23:59:59.999, still day 0
      { t: T0 + D, equity: 102 }, // 00:00 of day 1
      { t: T0 + D + 5, equity: 103 },
    ]);
    expect(closes).toEqual([
      { day: T0, equity: 101 },
      { day: T0 + D, equity: 103 },
    ]);
  });

  it("carries the previous close forward over days without a point", () => {
    const closes = dailyCloses([
      { t: T0 + 3_600_000, equity: 100 },
      { t: T0 + 3 * D + 7, equity: 120 },
    ]);
    expect(closes.map((c) => c.equity)).toEqual([100, 100, 100, 120]);
    expect(closes.map((c) => (c.day - T0) / D)).toEqual([0, 1, 2, 3]);
    const r = dailyReturns([
      { t: T0, equity: 100 },
      { t: T0 + 3 * D, equity: 120 },
    ]);
    expect(r.slice(0, 2)).toEqual([0, 0]);
    expect(r[2]).toBeCloseTo(0.2, 12);
  });

  it("gives n − 1 simple returns for n days, compounding to the change between the first and last close", () => {
    const points = [100, 110, 99, 108.9, 130.68].map((equity, i) => ({ t: T0 + i * D + 12 * 3_600_000, equity }));
    const r = dailyReturns(points);
    expect(r).toHaveLength(4);
    [0.1, -0.1, 0.1, 0.2].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 12));
    expect(r.reduce((g, x) => g * (1 + x), 1)).toBeCloseTo(1.3068, 12);
  });

  it("accepts points in any order; of two at the same time the later given wins", () => {
    const closes = dailyCloses([
      { t: T0 + D, equity: 5 },
      { t: T0, equity: 1 },
      { t: T0 + D, equity: 7 },
    ]);
    expect(closes.map((c) => c.equity)).toEqual([1, 7]);
  });

  it("has no returns for an empty curve or a single day", () => {
    expect(dailyReturns([])).toEqual([]);
    expect(
      dailyReturns([
        { t: T0, equity: 1 },
        { t: T0 + 1000, equity: 2 },
      ]),
    ).toEqual([]);
  });

  it("handles days before 1970 (negative epoch times)", () => {
    const t = Date.UTC(1969, 11, 31, 23);
    expect(
      dailyCloses([
        { t, equity: 1 },
        { t: t + 2 * 3_600_000, equity: 2 },
      ]).map((c) => c.day),
    ).toEqual([Date.UTC(1969, 11, 31), 0]);
  });

  it("rejects a non-positive or non-finite equity and a non-finite time", () => {
    expect(() => dailyReturns([{ t: T0, equity: 0 }])).toThrow(RangeError);
    expect(() => dailyReturns([{ t: T0, equity: NaN }])).toThrow(RangeError);
    expect(() => dailyReturns([{ t: NaN, equity: 1 }])).toThrow(RangeError);
  });
});
