/**
 * `npm run optimize -- --strategy regime-blend --timeframe 1d --from 2023-01-01 --to 2026-02-01
 *  --search trendingEfficiency=0.2:0.4:0.05 --search rsiPeriod=10,14,20`: parameter search on the
 * shipped data, scored out of sample. Every candidate runs on the in-sample part (the first 70 % by
 * default) and, after a purge gap, on the out-of-sample rest; the best in sample is the pick, and its
 * out-of-sample figures are the ones to believe. Full-range runs of every candidate give the overfitting
 * checks: the deflated Sharpe ratio of the best and the probability of backtest overfitting (CSCV).
 * The runs are spread over worker threads (--workers, one per core by default) with the same results as
 * one thread.
 */
import { backtestMetrics, CRYPTO_PERIODS_PER_YEAR } from "../src/lib/backtest/metrics";
import { dailyReturns } from "../src/lib/metrics/daily-returns";
import { returnStats } from "../src/lib/metrics/return-stats";
import { overfittingReport } from "../src/lib/backtest/research";
import { backtestInput } from "../src/lib/backtest/spec";
import { createProgress } from "../tools/report";
import { COMMON_HELP, COMMON_OPTIONS, UsageError, configOverrides, numberOption, parseCommand, runFolder, runMain, specFrom, wholeDays } from "../tools/backtest/args";
import { writeRunFiles } from "../tools/backtest/files";
import { metricRows, num, pct, textTable } from "../tools/backtest/format";
import { configFor } from "../tools/backtest/prepare";
import { candidateRun, candidatesFrom, paramText, SEARCH_HELP, SEARCH_OPTIONS } from "../tools/backtest/search";
import { shippedData } from "../tools/backtest/shipped-data";
import { researchPool, workersFrom, WORKERS_HELP, WORKERS_OPTIONS } from "./lib/research-pool";
import type { ResearchResult } from "./lib/research-run";

const DAY = 86_400_000;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SEARCH_OPTIONS,
  ...WORKERS_OPTIONS,
  "oos-share": { type: "string", default: "0.3" },
  "purge-days": { type: "string", default: "7" },
  partitions: { type: "string", default: "16" },
  top: { type: "string", default: "10" },
} as const;

const HELP = `npm run optimize -- [options]

${COMMON_HELP}
${SEARCH_HELP}
${WORKERS_HELP}
  --oos-share <f>        the last share of the range held out for scoring                  [0.3]
  --purge-days <n>       gap between in-sample and out-of-sample                             [7]
  --partitions <n>       CSCV partitions for the probability of backtest overfitting       [16]
  --top <n>              candidates listed                                                  [10]`;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const threadsText = (n: number) => (n === 1 ? "the main thread" : `${n} worker threads`);
const sharpe = (r: ResearchResult) => returnStats(dailyReturns(r.equity), CRYPTO_PERIODS_PER_YEAR).sharpe;
const ret = (r: ResearchResult) => {
  const a = r.equity[0]?.equity;
  const b = r.equity[r.equity.length - 1]?.equity;
  return a && b ? b / a - 1 : null;
};

runMain(async () => {
  const values = parseCommand(OPTIONS);
  if (values.help) return console.log(HELP);
  const spec = specFrom(values);
  const overrides = configOverrides(values);
  const share = numberOption(values, "oos-share", (n) => n > 0 && n < 1, "between 0 and 1");
  const purge = wholeDays(values, "purge-days");
  const partitions = numberOption(values, "partitions", (n) => Number.isInteger(n) && n >= 2 && n % 2 === 0, "an even number ≥ 2");
  const top = numberOption(values, "top", (n) => Number.isInteger(n) && n > 0, "a positive integer");
  const workers = workersFrom(values);
  configFor(spec, overrides);
  const { sets, rejected, space } = candidatesFrom(values, spec, overrides);
  const isTo = spec.from + Math.floor(((spec.to - spec.from) * (1 - share)) / DAY) * DAY;
  const oosFrom = isTo + purge * DAY;
  if (oosFrom >= spec.to - DAY) throw new UsageError(`the out-of-sample part (${day(oosFrom)} → ${day(spec.to)}) is empty: widen the range or lower --purge-days`);
  const progress = values.json ? null : createProgress({ total: sets.length * 3 + 1, label: "optimize runs" });
  let done = 0;
  const pool = researchPool(Math.min(workers, sets.length * 3));
  const step = async (params: (typeof sets)[number], from: number, to: number, decisions = false) => {
    const r = await pool.run({ ...candidateRun(spec, overrides, params, from, to), decisions });
    progress?.update(++done);
    return r;
  };
  const started = performance.now();
  // Every run is asked for at once (the pool runs them in this order, one per thread at a time); rows keep the candidates' order.
  const rows = await Promise.all(
    sets.map(async (params) => {
      const [inSample, outOfSample, full] = await Promise.all([step(params, spec.from, isTo), step(params, oosFrom, spec.to), step(params, spec.from, spec.to)]);
      return { params, inSample, outOfSample, full };
    }),
  );
  rows.sort((a, b) => (sharpe(b.inSample) ?? -Infinity) - (sharpe(a.inSample) ?? -Infinity));
  const best = rows[0]!;
  // The chosen candidate's out-of-sample run again, with its decisions (decisions.csv); the search keeps none.
  const bestOutOfSample = await step(best.params, oosFrom, spec.to, true);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  progress?.done();
  const overfit = overfittingReport(
    rows.map((r) => ({ params: r.params, result: r.full })),
    CRYPTO_PERIODS_PER_YEAR,
    partitions,
  );
  const oosRun = candidateRun(spec, overrides, best.params, oosFrom, spec.to);
  const oosInput = backtestInput(oosRun.spec, shippedData(), configFor(oosRun.spec, oosRun.overrides));
  const metrics = backtestMetrics(oosInput, bestOutOfSample);
  const ranked = rows.map((r) => ({
    params: r.params,
    inSampleSharpe: sharpe(r.inSample),
    outOfSampleSharpe: sharpe(r.outOfSample),
    outOfSampleReturn: ret(r.outOfSample),
    outOfSampleTrades: r.outOfSample.trades.length,
    fullSharpe: sharpe(r.full),
  }));
  const summary = {
    spec: { ...spec, from: day(spec.from), to: day(spec.to) },
    inSample: [day(spec.from), day(isTo)],
    outOfSample: [day(oosFrom), day(spec.to)],
    searchSpace: space,
    candidates: sets.length,
    rejectedCandidates: rejected,
    chosen: best.params,
    chosenOutOfSampleMetrics: metrics,
    overfitting: {
      trials: overfit.trials,
      bestFullRange: overfit.best,
      deflatedSharpe: overfit.deflated,
      pbo: overfit.pbo ? { pbo: overfit.pbo.pbo, combinations: overfit.pbo.combinations, performanceDegradation: overfit.pbo.performanceDegradation } : null,
    },
    ranked,
    seconds,
    workers: pool.workers,
  };
  const dir = values.out ?? runFolder("optimize", spec, overrides, { share, purge, partitions, space });
  const files = values["no-files"] ? {} : await writeRunFiles(dir, `optimize: best in-sample, out of sample, ${spec.strategy}, ${spec.timeframe}`, oosInput, bestOutOfSample, metrics);
  if (values.json) return console.log(JSON.stringify({ ...summary, files }, null, 2));
  console.log(
    `\noptimize ${spec.strategy} on ${spec.symbols.join(", ")}, ${spec.timeframe}: ${sets.length} candidates${rejected ? ` (${rejected} invalid left out)` : ""}, in sample ${summary.inSample.join(" → ")}, out of sample ${summary.outOfSample.join(" → ")}; ${summary.seconds.toFixed(1)} s on ${threadsText(pool.workers)}\n`,
  );
  console.log(
    textTable(
      ["#", "Parameters", "IS Sharpe", "OOS Sharpe", "OOS return", "OOS trades", "Full Sharpe"],
      ranked
        .slice(0, top)
        .map((r, i) => [String(i + 1), paramText(r.params), num(r.inSampleSharpe), num(r.outOfSampleSharpe), pct(r.outOfSampleReturn), String(r.outOfSampleTrades), num(r.fullSharpe)]),
    ),
  );
  console.log(`\nchosen (best in sample): ${paramText(best.params)}; its out-of-sample run:\n`);
  console.log(
    textTable(
      ["Metric", "Value"],
      metricRows(metrics).map((r) => [r.label, r.value]),
    ),
  );
  const d = overfit.deflated;
  console.log(
    `\noverfitting checks over ${overfit.trials} full-range runs:` +
      `\n  best full-range Sharpe ${num(overfit.best.sharpe)} (${paramText(overfit.best.params)})` +
      `\n  deflated Sharpe ratio: P(true Sharpe > ${num(d.benchmark, 4)}/day, the best of ${overfit.trials} skill-less trials) = ${num(d.dsr, 3)} (PSR vs 0: ${num(d.psr, 3)})` +
      `\n  probability of backtest overfitting (CSCV, ${partitions} partitions): ${overfit.pbo ? `${num(overfit.pbo.pbo, 3)} over ${overfit.pbo.combinations} splits` : "n/a (needs ≥ 2 candidates and enough days)"}`,
  );
  if (Object.keys(files).length) console.log(`\nfiles: ${Object.values(files).join(", ")}`);
});
