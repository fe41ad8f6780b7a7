import { describe, expect, it } from "vitest";
import { MACRO_MULTIPLIERS, macroRegime, type MacroPoint } from "../../../src/lib/regime/index";
import { DAY } from "./support";

const NOW = Date.UTC(2025, 5, 15);

/** Monthly points ending 10 days before NOW, oldest first. */
function monthly(values: readonly number[]): MacroPoint[] {
  return values.map((value, i) => ({ value, at: NOW - 10 * DAY - (values.length - 1 - i) * 30 * DAY }));
}

const rising = monthly([1, 1.1, 1.3, 1.4]);
const falling = monthly([3, 2.8, 2.7, 2.5]);

describe("macro quadrant", () => {
  it("maps growth and inflation directions to the four quadrants with their multipliers", () => {
    const cases = [
      [rising, falling, "GOLDILOCKS", 1.2, 1.0],
      [rising, rising, "REFLATION", 1.0, 1.0],
      [falling, rising, "STAGFLATION", 0.6, 0.75],
      [falling, falling, "DEFLATION", 0.9, 0.9],
    ] as const;
    for (const [growth, inflation, quadrant, exposure, trail] of cases) {
      const r = macroRegime({ growth, inflation }, NOW);
      expect(r.quadrant).toBe(quadrant);
      expect(r.exposureScale).toBe(exposure);
      expect(r.trailMultiplier).toBe(trail);
    }
    expect(MACRO_MULTIPLIERS.UNKNOWN).toEqual({ exposureScale: 1, trailMultiplier: 1 });
  });

  it("takes the direction from the 3-point least-squares slope, not the last step", () => {
    // last three 1, 3, 2: slope (2 − 1) / 2 = +0.5 although the last step fell
    const r = macroRegime({ growth: monthly([0, 1, 3, 2]), inflation: falling }, NOW);
    expect(r.growthSlope).toBeCloseTo(0.5, 12);
    expect(r.inflationSlope).toBeCloseTo((2.5 - 2.8) / 2, 12);
    expect(r.quadrant).toBe("GOLDILOCKS");
    // with 4 points: slope of 0, 1, 3, 2 is (−1.5·0 − 0.5·1 + 0.5·3 + 1.5·2) / 5 = 0.8
    expect(macroRegime({ growth: monthly([0, 1, 3, 2]), inflation: falling }, NOW, { slopePoints: 4 }).growthSlope).toBeCloseTo(0.8, 12);
  });

  it("scores the margin as the weaker axis' slope against its recent mean step", () => {
    // growth steps of 1 every month: slope 1, mean |step| 1 → 1; inflation 3, 2.8, 2.7, 2.5: slope 0.15, mean |step| 0.5/3
    const r = macroRegime({ growth: monthly([1, 2, 3, 4]), inflation: falling }, NOW);
    expect(r.margin).toBeCloseTo(0.15 / (0.5 / 3), 12);
  });

  it("is UNKNOWN with neutral multipliers when input is missing, short, stale or flat", () => {
    const neutral = { quadrant: "UNKNOWN", exposureScale: 1, trailMultiplier: 1, margin: 0 };
    expect(macroRegime(null, NOW)).toMatchObject(neutral);
    expect(macroRegime({ growth: [], inflation: falling }, NOW)).toMatchObject(neutral);
    expect(macroRegime({ growth: rising.slice(-2), inflation: falling }, NOW)).toMatchObject(neutral);
    const stale = rising.map((p) => ({ ...p, at: p.at - 200 * DAY }));
    const r = macroRegime({ growth: stale, inflation: falling }, NOW);
    expect(r).toMatchObject(neutral);
    expect(r.reason).toMatch(/stale/);
    expect(macroRegime({ growth: monthly([2, 2, 2]), inflation: falling }, NOW)).toMatchObject(neutral);
    expect(macroRegime({ growth: monthly([2, 2.01, 2.02]), inflation: falling }, NOW, { deadband: 0.05 })).toMatchObject(neutral);
  });

  it("ignores points released after now and accepts them once now passes", () => {
    const late = { value: -10, at: NOW + DAY };
    const growth = [late, ...rising]; // unsorted, with a point from the future that would flip the slope
    const before = macroRegime({ growth, inflation: falling }, NOW);
    expect(before.quadrant).toBe("GOLDILOCKS");
    expect(before).toEqual(macroRegime({ growth: rising, inflation: falling }, NOW));
    expect(macroRegime({ growth, inflation: falling }, NOW + DAY).quadrant).toBe("DEFLATION");
  });
});
