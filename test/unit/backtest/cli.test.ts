import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { backtestMetrics } from "../../../src/lib/backtest/metrics";
import { defaultParamSpace } from "../../../src/lib/backtest/param-space";
import { BacktestSpecSchema, backtestConfig, readsFunding } from "../../../src/lib/backtest/spec";
import { specFrom, UsageError } from "../../../tools/backtest/args";
import { candidatesFrom } from "../../../tools/backtest/search";
import { shippedInput } from "../../../tools/backtest/prepare";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const common = { strategy: "regime-blend", symbols: "BTC/USDT,ETH/USDT", timeframe: "1d", from: "2024-01-01", to: "2024-07-01", cash: "10000", seed: "1", param: [] as string[] };

describe("backtest command line", () => {
  it("prints the run as JSON with the same metrics as the engine in process, and writes the CSVs and charts", { timeout: 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "bt-cli-"));
    const args = ["scripts/backtest.ts", "--strategy", "regime-blend", "--symbols", "BTC/USDT,ETH/USDT", "--timeframe", "1d", "--from", "2024-01-01", "--to", "2024-07-01", "--json", "--out", out];
    const { stdout } = await run(TSX, args, { maxBuffer: 1 << 24 });
    const printed = JSON.parse(stdout) as { run: { trades: number; candles: number }; metrics: Record<string, unknown>; files: Record<string, string> };
    const input = shippedInput(specFrom(common), {});
    const r = await runBacktest(input);
    expect(printed.run.candles).toBe(2 * 182);
    expect(printed.run.trades).toBe(r.trades.length);
    expect(printed.metrics).toEqual(JSON.parse(JSON.stringify(backtestMetrics(input, r))));
    const trades = readFileSync(printed.files.trades!, "utf8").trim().split("\n");
    expect(trades.length).toBe(r.trades.length + 1);
    expect(readFileSync(printed.files.equity!, "utf8").trim().split("\n").length).toBe(r.equity.length + 1);
    expect(readFileSync(printed.files.chartPng!).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(printed.files.chartHtml!, "utf8")).toContain("<svg");
  });

  it("refuses bad input with a readable reason and exit code 2", { timeout: 30_000 }, async () => {
    const fail = (extra: string[]) =>
      run(TSX, ["scripts/backtest.ts", "--no-files", ...extra]).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
    const unknown = await fail(["--strategy", "nope"]);
    expect(unknown?.code).toBe(2);
    expect(unknown?.stderr).toMatch(/unknown strategy; known: pipeline, regime-blend/);
    const backwards = await fail(["--from", "2024-02-01", "--to", "2024-01-01"]);
    expect(backwards?.stderr).toMatch(/to must be after from/);
    const noData = await fail(["--symbols", "DOGE/USDT", "--from", "2024-01-01", "--to", "2024-02-01"]);
    expect(noData?.stderr).toMatch(/no 1d candles for DOGE\/USDT between 2024-01-01 and 2024-02-01/);
  });
});

describe("backtest specs and parameter search", () => {
  it("checks strategy params with the strategy's own schema", () => {
    expect(() => specFrom({ ...common, param: ["rsiPeriod=1"] })).toThrow(UsageError);
    expect(() => specFrom({ ...common, param: ["noSuchParam=3"] })).toThrow(/noSuchParam/);
    expect(() => specFrom({ ...common, strategy: "rsi-mean-reversion", param: ["oversold=60"] })).toThrow(/oversold < exitLevel < overbought/);
  });

  it("sets the decision timeframe and the strategy's timeframe to the run's", () => {
    const cfg = backtestConfig(BacktestSpecSchema.parse({ strategy: "rsi-mean-reversion", symbols: ["BTC/USDT"], timeframe: "15m", from: "2025-01-01", to: "2025-02-01", params: { period: 10 } }));
    expect(cfg.gate.decisionTimeframe).toBe("15m");
    expect(cfg.rules).toEqual({ decider: "single-strategy", strategy: "rsi-mean-reversion" });
    expect(cfg.strategies["rsi-mean-reversion"]).toEqual({ enabled: true, params: { timeframe: "15m", period: 10, overbought: 75, oversold: 25, exitLevel: 50 } });
  });

  it("knows which runs read funding rates: the pipeline and the funding strategies", () => {
    const reads = (strategy: string) => readsFunding(backtestConfig(BacktestSpecSchema.parse({ strategy, symbols: ["BTC/USDT"], timeframe: "4h", from: "2025-01-01", to: "2025-02-01" })));
    expect(["pipeline", "funding-rate", "funding-arb", "funding-oi"].map(reads)).toEqual([true, true, true, true]);
    expect(["regime-blend", "rsi-mean-reversion", "momentum-breakout"].map(reads)).toEqual([false, false, false]);
  });

  it("searches the default space of a strategy's numeric params, leaving out combinations its schema rejects", () => {
    const space = defaultParamSpace({ timeframe: "4h", period: 14, oversold: 25, overbought: 75, exitLevel: 50 });
    expect(space).toEqual({ period: { values: [10, 14, 18] }, oversold: { values: [18, 25, 33] }, overbought: { values: [53, 75, 98] }, exitLevel: { values: [35, 50, 65] } });
    const spec = specFrom({ ...common, strategy: "rsi-mean-reversion" });
    const c = candidatesFrom({ search: ["oversold=20,40,60", "exitLevel=50"] }, spec);
    expect(c.sets).toEqual([
      { oversold: 20, exitLevel: 50 },
      { oversold: 40, exitLevel: 50 },
    ]);
    expect(c.rejected).toBe(1);
    const drawn = candidatesFrom({ random: "5" }, spec);
    expect(drawn.sets.length + drawn.rejected).toBe(5);
    expect(candidatesFrom({ random: "5" }, spec).sets).toEqual(drawn.sets);
  });
});
