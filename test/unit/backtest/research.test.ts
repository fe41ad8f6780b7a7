import { describe, expect, it } from "vitest";
import { gridSearch, parseParamSpec, randomSearch } from "../../../src/lib/backtest/param-space";
import { walkForwardWindows } from "../../../src/lib/backtest/walk-forward";
import { walkForwardSearch, overfittingReport } from "../../../src/lib/backtest/research";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { EngineConfigSchema } from "../../../src/lib/config";
import { seededRng } from "../../../src/lib/util/rng";
import { shippedInput, SINGLE } from "./fixtures";

const DAY = 86_400_000;
const D = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);

describe("walk-forward windows", () => {
  it("tile the out-of-sample periods after a purge gap and never pass the end", () => {
    const w = walkForwardWindows({ from: D(2022, 1), to: D(2023, 1), inSampleDays: 120, outOfSampleDays: 60, purgeDays: 5 });
    expect(w[0]).toEqual({ inSample: { from: D(2022, 1), to: D(2022, 1) + 120 * DAY }, outOfSample: { from: D(2022, 1) + 125 * DAY, to: D(2022, 1) + 185 * DAY } });
    for (let i = 1; i < w.length; i++) expect(w[i]!.outOfSample.from - w[i - 1]!.outOfSample.from).toBe(60 * DAY);
    for (const x of w) {
      expect(x.outOfSample.from - x.inSample.to).toBe(5 * DAY);
      expect(x.outOfSample.to).toBeLessThanOrEqual(D(2023, 1));
    }
    expect(w).toHaveLength(4); // out-of-sample starts on days 125, 185, 245, 305; day 365 is the end
  });
});

describe("parameter spaces", () => {
  it("grids every combination and parses range and list specs", () => {
    expect(gridSearch({ a: { values: [1, 2] }, b: { min: 10, max: 20, step: 5 } })).toEqual([
      { a: 1, b: 10 },
      { a: 1, b: 15 },
      { a: 1, b: 20 },
      { a: 2, b: 10 },
      { a: 2, b: 15 },
      { a: 2, b: 20 },
    ]);
    expect(parseParamSpec("period=10:14:2")).toEqual(["period", { min: 10, max: 14, step: 2 }]);
    expect(parseParamSpec("oversold=20,25")).toEqual(["oversold", { values: [20, 25] }]);
    expect(() => parseParamSpec("period")).toThrow(/name=min:max:step/);
    const r = randomSearch({ a: { min: 1, max: 100, step: 1 } }, 5, seededRng(7));
    expect(r).toHaveLength(5);
    expect(new Set(r.map((x) => x.a)).size).toBe(5);
    expect(randomSearch({ a: { min: 1, max: 100, step: 1 } }, 5, seededRng(7))).toEqual(r);
  });
});

describe("walk-forward search and overfitting checks on real data", () => {
  it("chooses in sample, tests out of sample, and reports deflated Sharpe and PBO", { timeout: 120_000 }, async () => {
    const base = shippedInput("1d", D(2021, 1), D(2025, 1), SINGLE("rsi-mean-reversion", "1d"));
    const run = (params: Record<string, number>, from: number, to: number) =>
      runBacktest({
        ...base,
        candles: Object.fromEntries(Object.entries(base.candles).map(([s, c]) => [s, c.filter((x) => x.t >= from && x.t < to)])),
        config: EngineConfigSchema.parse({ ...SINGLE("rsi-mean-reversion", "1d"), strategies: { "rsi-mean-reversion": { enabled: true, params: { timeframe: "1d", ...params } } } }),
      });
    const candidates = gridSearch({ oversold: { values: [20, 25, 30, 35] } });
    const windows = walkForwardWindows({ from: D(2021, 1), to: D(2025, 1), inSampleDays: 365, outOfSampleDays: 180, purgeDays: 7 });
    const wf = await walkForwardSearch(candidates, windows, run, 365);
    expect(wf.steps).toHaveLength(windows.length);
    for (const s of wf.steps) {
      const best = Math.max(...s.inSample.map((x) => x.sharpe ?? -Infinity));
      expect(s.inSample.find((x) => x.params === s.chosen)!.sharpe ?? -Infinity).toBe(best);
      expect(s.equity.every((p) => p.t >= s.window.outOfSample.from && p.t < s.window.outOfSample.to)).toBe(true);
    }
    // The chained curve continues each window from the previous one's end.
    const firstOfSecond = wf.equity.findIndex((p) => p.t >= windows[1]!.outOfSample.from);
    expect(wf.equity[firstOfSecond]!.equity / wf.equity[firstOfSecond - 1]!.equity).toBeCloseTo(1, 2);

    const full = await Promise.all(candidates.map(async (params) => ({ params, result: await run(params, D(2021, 1), D(2025, 1)) })));
    const rep = overfittingReport(full, 365, 8);
    expect(rep.trials).toBe(4);
    expect(rep.deflated.dsr).toBeGreaterThanOrEqual(0);
    expect(rep.deflated.dsr).toBeLessThanOrEqual(1);
    expect(rep.pbo!.combinations).toBe(70);
    expect(rep.pbo!.pbo).toBeGreaterThanOrEqual(0);
    expect(rep.pbo!.pbo).toBeLessThanOrEqual(1);
  });
});
