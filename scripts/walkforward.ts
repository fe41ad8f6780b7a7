/**
 * `npm run walkforward -- --strategy regime-blend --timeframe 1d --from 2022-01-01 --to 2026-03-01
 *  --search trendingEfficiency=0.2,0.3,0.4 --in-sample-days 365 --out-of-sample-days 90`:
 * rolling walk-forward on the shipped data. In each window every candidate runs in sample, the best
 * Sharpe is chosen, and only it runs on the following out-of-sample period (after a purge gap). The
 * out-of-sample periods chain into one equity curve: the figures a user could have had. The runs are
 * spread over worker threads (--workers, one per core by default) with the same results as one thread.
 */
import { join } from "node:path";
import { backtestMetrics } from "../src/lib/backtest/metrics";
import { walkForwardSearch } from "../src/lib/backtest/research";
import { backtestInput } from "../src/lib/backtest/spec";
import { walkForwardWindows } from "../src/lib/backtest/walk-forward";
import { CRYPTO_PERIODS_PER_YEAR } from "../src/lib/backtest/metrics";
import { createProgress } from "../tools/report";
import { COMMON_HELP, COMMON_OPTIONS, configOverrides, parseCommand, runFolder, runMain, specFrom, UsageError, wholeDays } from "../tools/backtest/args";
import { writeRunFiles } from "../tools/backtest/files";
import { metricRows, num, pct, textTable } from "../tools/backtest/format";
import { configFor } from "../tools/backtest/prepare";
import { candidateRun, candidatesFrom, paramText, SEARCH_HELP, SEARCH_OPTIONS, specWith } from "../tools/backtest/search";
import { shippedData } from "../tools/backtest/shipped-data";
import { writeOutput } from "../tools/report/write-output";
import { researchPool, workersFrom, WORKERS_HELP, WORKERS_OPTIONS } from "./lib/research-pool";
import { freshAccountNote } from "./lib/walkforward-note";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SEARCH_OPTIONS,
  ...WORKERS_OPTIONS,
  "in-sample-days": { type: "string", default: "365" },
  "out-of-sample-days": { type: "string", default: "90" },
  "purge-days": { type: "string", default: "7" },
} as const;

const HELP = `npm run walkforward -- [options]

${COMMON_HELP}
${SEARCH_HELP}
${WORKERS_HELP}
  --in-sample-days <n>   each window's fitting period                                    [365]
  --out-of-sample-days <n>  each window's test period; windows step by this                [90]
  --purge-days <n>       gap between the two, so nothing fitted reaches into the test        [7]

Each window starts with a fresh account (the drawdown halt resets per window), so the chained return is
not comparable with a single run. Files (with report.txt, the printed summary) go to
out/walkforward/<strategy>-<timeframe>-<from>-<to>-<hash> unless --out: the hash covers every option
that changes the result (the spec, the --config file's content, the search and window options).`;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const threadsText = (n: number) => (n === 1 ? "the main thread" : `${n} worker threads`);

runMain(async () => {
  const values = parseCommand(OPTIONS);
  if (values.help) return console.log(HELP);
  const spec = specFrom(values);
  const overrides = configOverrides(values);
  const workers = workersFrom(values);
  configFor(spec, overrides);
  const { sets, rejected, space } = candidatesFrom(values, spec, overrides);
  const windows = walkForwardWindows({
    from: spec.from,
    to: spec.to,
    inSampleDays: wholeDays(values, "in-sample-days"),
    outOfSampleDays: wholeDays(values, "out-of-sample-days"),
    purgeDays: wholeDays(values, "purge-days"),
  });
  if (windows.length === 0) throw new UsageError(`no walk-forward window fits between ${day(spec.from)} and ${day(spec.to)}: shorten --in-sample-days or widen the range`);
  const progress = values.json ? null : createProgress({ total: windows.length * (sets.length + 1), label: "walk-forward runs" });
  let done = 0;
  const haltedRuns = new Set<string>();
  const runKey = (params: object, from: number, to: number) => `${from}:${to}:${JSON.stringify(params)}`;
  const started = performance.now();
  const pool = researchPool(Math.min(workers, windows.length * (sets.length + 1)));
  const wf = await walkForwardSearch(
    sets,
    windows,
    async (params, from, to) => {
      const r = await pool.run(candidateRun(spec, overrides, params, from, to));
      if (r.book.tradingState === "HALTED") haltedRuns.add(runKey(params, from, to));
      progress?.update(++done);
      return r;
    },
    CRYPTO_PERIODS_PER_YEAR,
    Infinity, // every run asked for at once: the pool queues them and runs one per thread at a time
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  progress?.done();
  const data = shippedData();
  // The chained out-of-sample curve, measured like any run, against buy-and-hold over the same span.
  const oosSpan = { from: windows[0]!.outOfSample.from, to: windows[windows.length - 1]!.outOfSample.to };
  const fullInput = backtestInput(specWith(spec, {}, oosSpan.from, oosSpan.to), data, configFor(spec, overrides));
  const oosTrades = wf.steps.flatMap((s) => s.trades);
  const chained = { trades: oosTrades, fills: wf.steps.flatMap((s) => s.fills), equity: wf.equity };
  const metrics = backtestMetrics(fullInput, chained);
  const haltedWindows = wf.steps.filter((s) => haltedRuns.has(runKey(s.chosen, s.window.outOfSample.from, s.window.outOfSample.to))).length;
  const note = freshAccountNote(haltedWindows, wf.steps.length);
  const summary = {
    spec: { ...spec, from: day(spec.from), to: day(spec.to) },
    searchSpace: space,
    candidates: sets.length,
    rejectedCandidates: rejected,
    windows: wf.steps.map((s) => ({
      inSample: [day(s.window.inSample.from), day(s.window.inSample.to)],
      outOfSample: [day(s.window.outOfSample.from), day(s.window.outOfSample.to)],
      chosen: s.chosen,
      inSampleSharpe: s.inSample.find((x) => x.params === s.chosen)?.sharpe ?? null,
      result: s.outOfSample,
    })),
    outOfSampleMetrics: metrics,
    haltedWindows,
    note,
    seconds,
    workers: pool.workers,
  };
  const report = [
    `walk-forward ${spec.strategy} on ${spec.symbols.join(", ")}, ${spec.timeframe}: ${windows.length} windows × ${sets.length} candidates${rejected ? ` (${rejected} invalid combinations left out)` : ""}, ${summary.seconds.toFixed(1)} s on ${threadsText(pool.workers)}`,
    "",
    textTable(
      ["In sample", "Out of sample", "Chosen", "IS Sharpe", "OOS Sharpe", "OOS return", "Trades"],
      summary.windows.map((w) => [
        `${w.inSample[0]} → ${w.inSample[1]}`,
        `${w.outOfSample[0]} → ${w.outOfSample[1]}`,
        paramText(w.chosen),
        num(w.inSampleSharpe),
        num(w.result.sharpe),
        pct(w.result.totalReturn),
        String(w.result.trades),
      ]),
    ),
    "",
    `chained out of sample, ${day(oosSpan.from)} → ${day(oosSpan.to)}:`,
    "",
    textTable(
      ["Metric", "Value"],
      metricRows(metrics).map((r) => [r.label, r.value]),
    ),
    "",
    `⚠ ${note}.`,
  ].join("\n");
  const dir =
    values.out ??
    runFolder("walkforward", spec, overrides, {
      search: values.search,
      random: values.random,
      inSampleDays: values["in-sample-days"],
      outOfSampleDays: values["out-of-sample-days"],
      purgeDays: values["purge-days"],
    });
  const files: Record<string, string> = values["no-files"] ? {} : await writeRunFiles(dir, `walk-forward out of sample, ${spec.strategy}, ${spec.timeframe}`, fullInput, chained, metrics);
  if (!values["no-files"]) {
    files.report = join(dir, "report.txt");
    await writeOutput(files.report, `${report}\n`);
  }
  if (values.json) return console.log(JSON.stringify({ ...summary, files }, null, 2));
  console.log(`\n${report}`);
  if (Object.keys(files).length) console.log(`\nfiles: ${Object.values(files).join(", ")}`);
});
