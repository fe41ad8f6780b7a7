import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile } from "../../../src/lib/metrics";

// Reference values: scipy.stats.norm.cdf / norm.ppf.
const CDF: [number, number][] = [
  [-8, 6.22096057427174e-16],
  [-5, 2.866515718791933e-7],
  [-2, 0.022750131948179195],
  [-1, 0.15865525393145707],
  [0, 0.5],
  [0.3, 0.6179114221889526],
  [1.96, 0.9750021048517795],
  [3, 0.9986501019683699],
  [7.2, 0.9999999999996989],
];
const PPF: [number, number][] = [
  [1e-6, -4.753424308822899],
  [0.01, -2.3263478740408408],
  [0.02425, -1.972961051311885],
  [0.3, -0.5244005127080409],
  [0.975, 1.959963984540054],
  [0.99, 2.3263478740408408],
  [1 - 1 / (100 * Math.E), 2.6802104449668875],
];

describe("standard normal", () => {
  it.each(CDF)("Φ(%s) to 1e-14 absolute and 1e-8 relative", (x, p) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-14);
    expect(Math.abs(normalCdf(x) / p - 1)).toBeLessThan(1e-8);
  });

  it.each(PPF)("Φ⁻¹(%s) to 1e-10", (p, x) => {
    expect(normalQuantile(p)).toBeCloseTo(x, 10);
  });

  it("inverts the CDF across the range and is symmetric", () => {
    for (let x = -6; x <= 6; x += 0.37) {
      expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, x > 5 ? 6 : 9);
      expect(normalCdf(-x)).toBeCloseTo(1 - normalCdf(x), 15);
    }
  });

  it("maps the ends of [0, 1] to ±Infinity and anything outside to NaN", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });
});
