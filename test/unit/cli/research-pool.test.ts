import { afterAll, describe, expect, it } from "vitest";
import { configWith, numberAt, parseParamSpec } from "../../../src/lib/backtest/param-space";
import { walkForwardSearch } from "../../../src/lib/backtest/research";
import { BacktestSpecSchema, type BacktestSpec } from "../../../src/lib/backtest/spec";
import { walkForwardWindows } from "../../../src/lib/backtest/walk-forward";
import { researchPool, workersFrom, type ResearchPool } from "../../../scripts/lib/research-pool";
import type { ResearchResult } from "../../../scripts/lib/research-run";
import { specFrom, UsageError } from "../../../tools/backtest/args";
import { candidateRun, candidatesFrom } from "../../../tools/backtest/search";

const spec = (o: Record<string, unknown>): BacktestSpec => BacktestSpecSchema.parse({ symbols: ["BTC/USDT", "ETH/USDT", "SOL/USDT"], timeframe: "4h", ...o });

describe("searched engine settings", () => {
  it("parse by their config path and go onto a copy of the --config overrides", () => {
    expect(parseParamSpec("synthesizer.buyThreshold=0.3,0.4")).toEqual(["synthesizer.buyThreshold", { values: [0.3, 0.4] }]);
    expect(parseParamSpec("strategies.rsi-mean-reversion.params.period=10:14:2")[0]).toBe("strategies.rsi-mean-reversion.params.period");
    const base = { exits: { trailPct: 0.1 } };
    expect(configWith(base, { "exits.hardStopPct": 0.2, "synthesizer.buyThreshold": 0.3, rsiPeriod: 10 })).toEqual({ exits: { trailPct: 0.1, hardStopPct: 0.2 }, synthesizer: { buyThreshold: 0.3 } });
    expect(base).toEqual({ exits: { trailPct: 0.1 } });
    expect(configWith(base, { rsiPeriod: 10 })).toBe(base);
    expect(() => configWith({ exits: 3 }, { "exits.hardStopPct": 0.2 })).toThrow(/exits is not an object/);
    expect(numberAt({ a: { b: 2 } }, "a.b")).toBe(2);
    expect(numberAt({ a: { b: 2 } }, "a.c")).toBeUndefined();
  });

  it("are the pipeline's search space: checked against the engine config, invalid combinations left out", () => {
    const common = { symbols: "BTC/USDT,ETH/USDT,SOL/USDT", timeframe: "4h", from: "2024-01-01", to: "2024-07-01", cash: "10000", seed: "1", param: [] as string[] };
    const pipeline = specFrom({ ...common, strategy: "pipeline" });
    expect(() => candidatesFrom({}, pipeline)).toThrow(/search engine settings by their config path/);
    expect(() => candidatesFrom({ search: ["rsiPeriod=10,14"] }, pipeline)).toThrow(/pipeline takes engine settings/);
    expect(() => candidatesFrom({ search: ["synthesizer.buyThreshhold=0.3"] }, pipeline)).toThrow(UsageError);
    const c = candidatesFrom({ search: ["synthesizer.buyThreshold=0.3,0.4", "exits.hardStopPct=0.1,2"] }, pipeline, { exits: { trailPct: 0.1 } });
    expect(c.sets).toEqual([
      { "synthesizer.buyThreshold": 0.3, "exits.hardStopPct": 0.1 },
      { "synthesizer.buyThreshold": 0.4, "exits.hardStopPct": 0.1 },
    ]);
    expect(c.rejected).toBe(2); // hardStopPct is a share ≤ 1
    const run = candidateRun(pipeline, { exits: { trailPct: 0.1 } }, c.sets[1]!, pipeline.from, pipeline.to);
    expect(run.spec.params).toEqual({});
    expect(run.overrides).toEqual({ exits: { trailPct: 0.1, hardStopPct: 0.1 }, synthesizer: { buyThreshold: 0.4 } });
    const blend = specFrom({ ...common, strategy: "regime-blend" });
    expect(() => candidatesFrom({ search: ["strategies.regime-blend.params.rsiPeriod=10"] }, blend)).toThrow(/by their name/);
    const mixed = candidatesFrom({ search: ["rsiPeriod=10,14", "risk.positionPct=0.2"] }, blend);
    expect(candidateRun(blend, {}, mixed.sets[0]!, blend.from, blend.to).spec.params).toEqual({ rsiPeriod: 10 });
  });

  it("--workers takes a whole number of threads, the cores by default", () => {
    expect(workersFrom({ workers: "3" })).toBe(3);
    expect(workersFrom({})).toBeGreaterThanOrEqual(1);
    expect(() => workersFrom({ workers: "0" })).toThrow(/--workers/);
  });
});

describe("walk-forward search, runs at once", () => {
  it("gives the same steps for every concurrency and never runs more than it allows", async () => {
    const DAY = 86_400_000;
    const windows = walkForwardWindows({ from: 0, to: 200 * DAY, inSampleDays: 60, outOfSampleDays: 30, purgeDays: 5 });
    const sets = [{ a: 1 }, { a: 2 }, { a: 3 }];
    const searchWith = async (concurrency: number) => {
      let active = 0;
      let most = 0;
      const wf = await walkForwardSearch(
        sets,
        windows,
        async (params, from, to) => {
          most = Math.max(most, ++active);
          // Uneven delays, so runs finish out of order.
          await new Promise((r) => setTimeout(r, ((params.a! * 7 + from / DAY) % 5) + 1));
          active--;
          const equity = Array.from({ length: Math.round((to - from) / DAY) }, (_, i) => ({
            t: from + i * DAY,
            equity: 100 * (1 + Math.sin(i * params.a! + from / DAY) / 50),
            cash: 50,
            exposure: 50,
          }));
          return { equity, trades: [], fills: [] };
        },
        365,
        concurrency,
      );
      return { wf, most };
    };
    const one = await searchWith(1);
    expect(one.most).toBe(1);
    for (const c of [2, 5, Infinity]) {
      const other = await searchWith(c);
      expect(other.most).toBeLessThanOrEqual(c);
      expect(other.wf).toEqual(one.wf);
    }
    expect(one.wf.steps).toHaveLength(windows.length);
  });
});

describe("a search on worker threads", () => {
  const pools: ResearchPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  /** A small walk-forward of the pipeline over two engine settings, every run's result kept by run. */
  async function search(workers: number) {
    const pool = researchPool(workers);
    pools.push(pool);
    const base = spec({ strategy: "pipeline", symbols: ["BTC/USDT", "SOL/USDT"], from: "2024-01-01", to: "2024-03-19" });
    const overrides = { risk: { maxDrawdownPct: 0.2 } };
    const sets = candidatesFrom({ search: ["synthesizer.buyThreshold=0.25,0.4", "exits.hardStopPct=0.08,0.15"] }, base, overrides).sets;
    const windows = walkForwardWindows({ from: base.from, to: base.to, inSampleDays: 45, outOfSampleDays: 15, purgeDays: 3 });
    const runs = new Map<string, ResearchResult>();
    const wf = await walkForwardSearch(
      sets,
      windows,
      async (params, from, to) => {
        const r = await pool.run(candidateRun(base, overrides, params, from, to));
        runs.set(`${from}:${to}:${JSON.stringify(params)}`, r);
        return r;
      },
      365,
      Infinity,
    );
    // One strategy alone with a searched strategy parameter and an engine setting, decisions kept.
    const single = spec({ strategy: "rsi-mean-reversion", symbols: ["BTC/USDT"], from: "2024-02-01", to: "2024-04-01" });
    const withDecisions = await pool.run({ ...candidateRun(single, {}, { period: 10, "risk.positionPct": 0.2 }, single.from, single.to), decisions: true });
    return { windows, wf, runs, withDecisions };
  }

  it("gives the same results, in the same order, as the main thread alone", { timeout: 120_000 }, async () => {
    const one = await search(1);
    const two = await search(2);
    expect(one.windows.length).toBe(2);
    expect(one.runs.size).toBe(one.windows.length * 5);
    expect(one.wf.steps.flatMap((s) => s.trades).length).toBeGreaterThan(0);
    expect(one.withDecisions.decisions!.length).toBeGreaterThan(0);
    expect(two.wf).toEqual(one.wf);
    expect(new Set(two.runs.keys())).toEqual(new Set(one.runs.keys()));
    for (const [key, r] of one.runs) expect(two.runs.get(key)).toEqual(r);
    expect(two.withDecisions).toEqual(one.withDecisions);
  });

  it("reports a run's failure with its kind (a missing symbol is a range error, as in one thread)", { timeout: 60_000 }, async () => {
    const pool = researchPool(2);
    pools.push(pool);
    const missing = spec({ strategy: "pipeline", symbols: ["DOGE/USDT"], from: "2024-01-01", to: "2024-02-01" });
    await expect(pool.run({ spec: missing, overrides: {} })).rejects.toThrow(RangeError);
    await expect(pool.run({ spec: missing, overrides: {} })).rejects.toThrow(/no 4h candles for DOGE\/USDT/);
    const bad = spec({ strategy: "pipeline", from: "2024-01-01", to: "2024-02-01" });
    await expect(pool.run({ spec: bad, overrides: { risk: { positionPct: 3 } } })).rejects.toThrow(UsageError);
  });
});
