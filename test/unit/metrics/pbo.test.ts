import { combinations } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { probabilityOfBacktestOverfitting } from "../../../src/lib/metrics";
import { seededRng } from "../../../src/lib/util/rng";

function noiseMatrix(seed: number, t: number, n: number, drift: (config: number) => number = () => 0): number[][] {
  const rng = seededRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Array.from({ length: t }, () => Array.from({ length: n }, (_, j) => drift(j) + 0.01 * normal()));
}

/** Straight from the definition: rebuild each half from its rows, rank by sorting. */
function naiveLogits(rows: number[][], s: number): number[] {
  const t = rows.length;
  const n = rows[0]!.length;
  const block = (i: number) => {
    // Blocks of floor(t/s) rows, the first t mod s of them one longer.
    const base = Math.floor(t / s);
    const extra = t % s;
    let start = 0;
    for (let b = 0; b < s; b++) {
      const size = base + (b < extra ? 1 : 0);
      if (i < start + size) return b;
      start += size;
    }
    throw new Error("row out of range");
  };
  const sharpe = (xs: number[]) => {
    const mu = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
    return mu / sd;
  };
  const blocks = Array.from({ length: s }, (_, b) => b);
  return combinations(blocks, s / 2).map((inSample) => {
    const isRows = rows.filter((_, i) => inSample.includes(block(i)));
    const oosRows = rows.filter((_, i) => !inSample.includes(block(i)));
    const isSr = Array.from({ length: n }, (_, j) => sharpe(isRows.map((r) => r[j]!)));
    const oosSr = Array.from({ length: n }, (_, j) => sharpe(oosRows.map((r) => r[j]!)));
    const best = isSr.indexOf(Math.max(...isSr));
    const rank = [...oosSr].sort((a, b) => a - b).indexOf(oosSr[best]!) + 1;
    const omega = rank / (n + 1);
    return Math.log(omega / (1 - omega));
  });
}

describe("probability of backtest overfitting (CSCV)", () => {
  it("matches a direct implementation of the definition, with a row count S does not divide", () => {
    const rows = noiseMatrix(21, 61, 7);
    const r = probabilityOfBacktestOverfitting(rows, { partitions: 6 });
    const expected = naiveLogits(rows, 6);
    expect(r.combinations).toBe(20);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    sorted(r.logits).forEach((l, i) => expect(l).toBeCloseTo(sorted(expected)[i]!, 9));
    expect(r.pbo).toBe(expected.filter((l) => l <= 0).length / 20);
  });

  it("runs all C(16, 8) = 12 870 combinations by default", () => {
    const r = probabilityOfBacktestOverfitting(noiseMatrix(1, 320, 10));
    expect(r.combinations).toBe(12_870);
    expect(r.logits).toHaveLength(12_870);
  });

  it("is 0 when one configuration has a large, steady edge: it wins in-sample and ranks first out of sample", () => {
    const n = 20;
    const r = probabilityOfBacktestOverfitting(noiseMatrix(2, 480, n, (j) => (j === 13 ? 0.02 : 0)));
    expect(r.pbo).toBe(0);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(n), 12);
  });

  it("is around one half for many configurations of pure noise, with out-of-sample Sharpe falling as in-sample rises", () => {
    const r = probabilityOfBacktestOverfitting(noiseMatrix(4, 800, 60));
    expect(r.pbo).toBeGreaterThan(0.3);
    expect(r.pbo).toBeLessThan(0.8);
    expect(r.performanceDegradation.slope).toBeLessThan(0);
  });

  it("is high when in-sample winners are selected for luck that reverses out of sample", () => {
    // Each configuration's returns are a fixed profile plus its mirror image, so a strong first half implies a weak second half.
    const rng = seededRng(8);
    const n = 30;
    const half = Array.from({ length: 200 }, () => Array.from({ length: n }, () => 0.01 * (rng.next() - 0.5)));
    const rows = [...half, ...half.map((row) => row.map((x) => -x + 0.0001))];
    expect(probabilityOfBacktestOverfitting(rows, { partitions: 2 }).pbo).toBe(1);
  });

  it("gives tied out-of-sample performances the mid-rank", () => {
    // First half in-sample: config 0 has the best Sharpe (√2 vs √2/2); out of sample all three are identical:
    // rank 2 of 3, ω = 1/2, logit 0. Second half in-sample: a three-way tie, the first (0) is taken and
    // is best out of sample: rank 3, logit ln 3.
    const rows = [
      [0.03, 0.01, 0.02],
      [0.01, 0.0, 0.0],
      [0.01, 0.01, 0.01],
      [0.02, 0.02, 0.02],
    ];
    const r = probabilityOfBacktestOverfitting(rows, { partitions: 2 });
    expect(r.logits[0]).toBe(0);
    expect(r.logits[1]).toBeCloseTo(Math.log(3), 12);
    expect(r.pbo).toBe(0.5);
  });

  it("rejects an odd partition count, a ragged or non-finite matrix, one configuration and too few periods", () => {
    const ok = noiseMatrix(5, 64, 4);
    expect(() => probabilityOfBacktestOverfitting(ok, { partitions: 5 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting([...ok, [0.1]])).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting([...ok.slice(1), [NaN, 0, 0, 0]])).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(ok.map((r) => [r[0]!]))).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(ok.slice(0, 15))).toThrow(RangeError);
  });
});
