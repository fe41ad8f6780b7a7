import { join } from "node:path";
import type { BacktestDecision, BacktestEquityPoint, BacktestInput, BacktestTrade } from "../../src/lib/backtest/types";
import { toCsv } from "../report/csv";
import { writeOutput } from "../report/write-output";
import { TIMEFRAME_MS } from "../../src/lib/market/timeframe";
import type { Metrics } from "../../src/lib/metrics/types";
import { writeChartHtml, writeChartPng, writeEquityCsv, writeTradesCsv, type BenchmarkSeries } from "../report";
import { metricRows } from "./format";

/** Buy-and-hold of each symbol and of the equal-weight basket, worth the run's starting equity at its first point. */
export function benchmarkSeries(input: BacktestInput, equity: readonly BacktestEquityPoint[]): BenchmarkSeries[] {
  const start = equity[0];
  if (!start) return [];
  const ms = TIMEFRAME_MS[input.baseTimeframe];
  const symbols = Object.keys(input.candles);
  const growth = symbols.map((s) => {
    const candles = input.candles[s] ?? [];
    const first = candles[0]?.c ?? NaN;
    return new Map(candles.map((c) => [c.t + ms - 1, c.c / first]));
  });
  const pointsOf = (pick: (t: number) => number | null) =>
    equity.flatMap((p) => {
      const g = pick(p.t);
      return g === null || !Number.isFinite(g) ? [] : [{ t: p.t, value: start.equity * g }];
    });
  const out: BenchmarkSeries[] = [];
  const btc = symbols.findIndex((s) => s.startsWith("BTC/"));
  if (btc >= 0) out.push({ label: "BTC buy & hold", points: pointsOf((t) => growth[btc]!.get(t) ?? null) });
  if (symbols.length > 1) {
    out.push({
      label: "Equal-weight basket",
      points: pointsOf((t) => {
        const gs = growth.map((g) => g.get(t));
        return gs.every((g) => g !== undefined) ? (gs as number[]).reduce((a, b) => a + b, 0) / gs.length : null;
      }),
    });
  }
  return out;
}

/** trades.csv, equity.csv and the equity-with-drawdown chart as chart.html and chart.png in `dir`. */
export async function writeRunFiles(
  dir: string,
  title: string,
  input: BacktestInput,
  run: { trades: readonly BacktestTrade[]; equity: readonly BacktestEquityPoint[]; decisions?: readonly BacktestDecision[] },
  metrics: Metrics,
): Promise<Record<string, string>> {
  const files: Record<string, string> = { trades: join(dir, "trades.csv"), equity: join(dir, "equity.csv"), chartHtml: join(dir, "chart.html"), chartPng: join(dir, "chart.png") };
  if (run.decisions) {
    files.decisions = join(dir, "decisions.csv");
    await writeOutput(files.decisions, decisionsCsv(run.decisions));
  }
  const chart = { title, equity: run.equity.map((p) => ({ t: p.t, equity: p.equity })), benchmarks: benchmarkSeries(input, run.equity), metrics: metricRows(metrics) };
  await writeTradesCsv(files.trades!, run.trades);
  await writeEquityCsv(files.equity!, run.equity);
  await writeChartHtml(files.chartHtml!, chart);
  await writeChartPng(files.chartPng!, chart);
  return files;
}

/**
 * decisions.csv: one row per decision (time, the layer that woke it and why, who decided, the open positions it looked
 * at, the symbols it acted on, whether a model was called and its cache reads), to recount the cadence by hand.
 */
export function decisionsCsv(decisions: readonly BacktestDecision[]): string {
  return toCsv(
    decisions.map((d) => ({
      time: new Date(d.at).toISOString(),
      layer: d.layer,
      decider: d.decider,
      reviewed_positions: d.reviewed,
      acted_on: d.actions.map((a) => `${a.action} ${a.ticker}`).join("; "),
      llm_called: d.llmCalled,
      input_tokens: d.usage?.input_tokens ?? null,
      cache_read_tokens: d.usage?.cache_read_input_tokens ?? null,
      failure: d.failure,
      note: d.note ?? null,
      reason: d.reason,
    })),
  );
}
