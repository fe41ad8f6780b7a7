/**
 * `npm run backtest -- --strategy regime-blend --symbols BTC/USDT,ETH/USDT,SOL/USDT --timeframe 1d
 *  --from 2023-01-01 --to 2026-02-28`: one backtest on the shipped data through the engine's own core.
 * Prints the metrics (or `--json`), writes trades.csv, equity.csv, chart.html and chart.png.
 */
import { runBacktest } from "../src/lib/backtest/engine";
import { cadenceOf } from "../src/lib/backtest/cadence";
import { backtestMetrics } from "../src/lib/backtest/metrics";
import { createProgress } from "../tools/report";
import { COMMON_HELP, COMMON_OPTIONS, configOverrides, parseCommand, runFolder, runLabel, runMain, specFrom } from "../tools/backtest/args";
import { DECIDER_HELP, DECIDER_OPTIONS, deciderFrom } from "../tools/backtest/deciders";
import { writeRunFiles } from "../tools/backtest/files";
import { metricRows, textTable } from "../tools/backtest/format";
import { shippedInput } from "../tools/backtest/prepare";

const HELP = `npm run backtest -- [options]

${COMMON_HELP}
${DECIDER_HELP}

Files go to out/backtest/<strategy>-<timeframe>-<from>-<to>-<hash> unless --out: the hash covers every
option that changes the result (symbols, cash, seed, params, hmm, quant, the --config file's content,
the decider and its answers' source), so runs that differ never overwrite each other.`;

runMain(async () => {
  const values = parseCommand({ ...COMMON_OPTIONS, ...DECIDER_OPTIONS });
  if (values.help) return console.log(HELP);
  const spec = specFrom(values);
  const overrides = configOverrides(values);
  const input = shippedInput(spec, overrides);
  const decider = await deciderFrom(values, input.config);
  const total = Object.values(input.candles).reduce((n, c) => n + c.length, 0);
  const steps = new Set(Object.values(input.candles).flatMap((c) => c.map((x) => x.t))).size;
  const progress = values.json ? null : createProgress({ total: steps, label: `backtest ${runLabel(spec)}` });
  const started = performance.now();
  let result;
  try {
    result = await runBacktest({ ...input, decider: decider.decider, onProgress: progress ? (done) => progress.update(done) : undefined });
  } finally {
    await decider.finish();
  }
  const seconds = (performance.now() - started) / 1000;
  progress?.update(steps);
  progress?.done();
  const metrics = backtestMetrics(input, result);
  const dir = values.out ?? runFolder("backtest", spec, overrides, { decider: values.decider, llmUrl: values["llm-url"], replay: values.replay });
  const files = values["no-files"] ? {} : await writeRunFiles(dir, `${spec.strategy}, ${spec.symbols.join(", ")}, ${spec.timeframe}`, input, result, metrics);
  const cadence = cadenceOf(result);
  const run = {
    candles: total,
    decisions: result.decisions.length,
    failedDecisions: result.decisions.filter((d) => d.failure !== null).length,
    trades: result.trades.length,
    openAtEnd: Object.values(result.book.positions).filter((p) => p.status === "open").length,
    llmCostUsd: result.llmCostUsd,
    decisionTimeframe: input.config.gate.decisionTimeframe,
    decisionsByLayer: cadence.decisionsByLayer,
    llmCalls: cadence.llmCalls,
    llmCallsPerDay: cadence.llmCallsPerDay,
    llmRefused: cadence.llmRefused,
    reviewCalls: cadence.reviewCalls,
    cacheReadShare: cadence.cacheReadShare,
    cacheReadShareWithExpiry: cadence.cacheReadShareWithExpiry,
    costUsd: cadence.costUsd,
    costPerDayUsd: cadence.costPerDayUsd,
    materialMoves: cadence.materialMoves,
    materialMovesByKind: cadence.materialMovesByKind,
    shocksAlreadyDecided: cadence.shocksAlreadyDecided,
    materialMovesDecidedWithin15m: cadence.materialMovesDecidedWithin15m,
    undecidedMoves: cadence.undecidedMoves,
    /** A drawdown halt lasts until resumed by hand, so a run that ends HALTED took no entries after it. */
    tradingState: result.book.tradingState,
    haltReason: result.book.haltReason,
    seconds,
    candlesPerSecond: total / seconds,
  };
  if (values.json) {
    console.log(JSON.stringify({ spec: { ...spec, from: new Date(spec.from).toISOString(), to: new Date(spec.to).toISOString() }, run, metrics, files }, null, 2));
    return;
  }
  console.log(
    `\n${spec.strategy} on ${spec.symbols.join(", ")}, ${spec.timeframe} candles, ${new Date(spec.from).toISOString().slice(0, 10)} → ${new Date(spec.to).toISOString().slice(0, 10)}` +
      `\n${total} candles, ${run.decisions} decisions (${run.failedDecisions} failed), ${run.trades} closed trades, ${run.openAtEnd} open at the end` +
      `${decider.decider ? `, LLM cost ${run.llmCostUsd.toFixed(4)} USD` : ""}; ${seconds.toFixed(2)} s (${Math.round(run.candlesPerSecond)} candles/s)\n`,
  );
  console.log(
    `decisions on ${run.decisionTimeframe}: ${
      Object.entries(run.decisionsByLayer)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ") || "none"
    }; ` +
      `${run.materialMoves} material moves, ${run.materialMovesDecidedWithin15m} decided within 15 min` +
      (decider.decider
        ? `; ${run.llmCalls} model calls (${run.llmCallsPerDay.toFixed(1)} a day, ${run.reviewCalls} reviews), ${run.cacheReadShare === null ? "no" : `${(run.cacheReadShare * 100).toFixed(0)} %`} of input from the cache (${run.cacheReadShareWithExpiry === null ? "-" : `${(run.cacheReadShareWithExpiry * 100).toFixed(0)} %`} had it expired after 5 min of replay time), ${run.costPerDayUsd.toFixed(4)} USD a day`
        : "") +
      "\n",
  );
  if (run.tradingState === "HALTED")
    console.log(`⚠ trading HALTED at the end: ${run.haltReason}. A drawdown halt lasts until resumed by hand; the run took no entries after it (see risk.maxDrawdownPct).\n`);
  console.log(
    textTable(
      ["Metric", "Value"],
      metricRows(metrics).map((r) => [r.label, r.value]),
    ),
  );
  if (Object.keys(files).length) console.log(`\nfiles: ${Object.values(files).join(", ")}`);
});
