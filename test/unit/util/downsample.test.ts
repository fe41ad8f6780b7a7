import { describe, expect, it } from "vitest";
import { downsample } from "../../../src/lib/util/downsample";

describe("downsample", () => {
  it("returns a short enough series unchanged", () => {
    const xs = [1, 2, 3];
    expect(downsample(xs, 3)).toBe(xs);
    expect(downsample([], 5)).toEqual([]);
  });

  it("keeps exactly max points, evenly spaced, the first and the last included, in order, none twice", () => {
    for (const [n, max] of [
      [5001, 5000],
      [11_400, 5000],
      [10, 2],
      [7, 3],
      [100, 7],
    ] as const) {
      const xs = Array.from({ length: n }, (_, i) => i);
      const out = downsample(xs, max);
      expect(out, `${n} → ${max}`).toHaveLength(max);
      expect(out[0]).toBe(0);
      expect(out.at(-1)).toBe(n - 1);
      for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
      const gaps = out.slice(1).map((x, i) => x - out[i]!);
      expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
    }
    expect(downsample([0, 1, 2, 3, 4, 5, 6], 3)).toEqual([0, 3, 6]);
  });

  it("refuses to keep fewer than two points", () => {
    expect(() => downsample([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => downsample([1, 2, 3], 2.5)).toThrow(RangeError);
  });
});
