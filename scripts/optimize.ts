/**
 * `npm run optimize -- --strategy regime-blend --timeframe 1d --from 2023-01-01 --to 2026-02-01
 *  --search trendingEfficiency=0.2:0.4:0.05 --search rsiPeriod=10,14,20`: parameter search on the
 * shipped data, scored out of sample. Every candidate runs on the in-sample part (the first 70 % by
 * default) and, after a purge gap, on the out-of-sample rest; the best in sample is the pick, and its
 * out-of-sample figures are the ones to believe. Full-range runs of every candidate give the overfitting
 * checks: the deflated Sharpe ratio of the best and the probability of backtest overfitting (CSCV).
 */
import { backtestMetrics, CRYPTO_PERIODS_PER_YEAR } from "../src/lib/backtest/metrics";
import { dailyReturns } from "../src/lib/metrics/daily-returns";
import { returnStats } from "../src/lib/metrics/return-stats";
import { overfittingReport } from "../src/lib/backtest/research";
import { backtestInput } from "../src/lib/backtest/spec";
import type { BacktestResult } from "../src/lib/backtest/types";
import { createProgress } from "../tools/report";
import { COMMON_HELP, COMMON_OPTIONS, UsageError, configOverrides, numberOption, parseCommand, runFolder, runMain, specFrom, wholeDays } from "../tools/backtest/args";
import { writeRunFiles } from "../tools/backtest/files";
import { metricRows, num, pct, textTable } from "../tools/backtest/format";
import { configFor } from "../tools/backtest/prepare";
import { specRunner } from "../tools/backtest/run-spec";
import { candidatesFrom, paramText, SEARCH_HELP, SEARCH_OPTIONS, specWith } from "../tools/backtest/search";
import { shippedData } from "../tools/backtest/shipped-data";

const DAY = 86_400_000;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SEARCH_OPTIONS,
  "oos-share": { type: "string", default: "0.3" },
  "purge-days": { type: "string", default: "7" },
  partitions: { type: "string", default: "16" },
  top: { type: "string", default: "10" },
} as const;

const HELP = `npm run optimize -- [options]

${COMMON_HELP}
${SEARCH_HELP}
  --oos-share <f>        the last share of the range held out for scoring                  [0.3]
  --purge-days <n>       gap between in-sample and out-of-sample                             [7]
  --partitions <n>       CSCV partitions for the probability of backtest overfitting       [16]
  --top <n>              candidates listed                                                  [10]`;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const sharpe = (r: BacktestResult) => returnStats(dailyReturns(r.equity), CRYPTO_PERIODS_PER_YEAR).sharpe;
const ret = (r: BacktestResult) => {
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
  const { sets, rejected, space } = candidatesFrom(values, spec);
  const isTo = spec.from + Math.floor(((spec.to - spec.from) * (1 - share)) / DAY) * DAY;
  const oosFrom = isTo + purge * DAY;
  if (oosFrom >= spec.to - DAY) throw new UsageError(`the out-of-sample part (${day(oosFrom)} → ${day(spec.to)}) is empty: widen the range or lower --purge-days`);
  const run = specRunner(shippedData(), overrides);
  const progress = values.json ? null : createProgress({ total: sets.length * 3, label: "optimize runs" });
  let done = 0;
  const step = async (params: (typeof sets)[number], from: number, to: number) => {
    const r = await run(specWith(spec, params, from, to));
    progress?.update(++done);
    return r;
  };
  const started = performance.now();
  const rows: { params: (typeof sets)[number]; inSample: BacktestResult; outOfSample: BacktestResult; full: BacktestResult }[] = [];
  for (const params of sets) {
    rows.push({ params, inSample: await step(params, spec.from, isTo), outOfSample: await step(params, oosFrom, spec.to), full: await step(params, spec.from, spec.to) });
  }
  progress?.done();
  rows.sort((a, b) => (sharpe(b.inSample) ?? -Infinity) - (sharpe(a.inSample) ?? -Infinity));
  const best = rows[0]!;
  const overfit = overfittingReport(
    rows.map((r) => ({ params: r.params, result: r.full })),
    CRYPTO_PERIODS_PER_YEAR,
    partitions,
  );
  const oosSpec = specWith(spec, best.params, oosFrom, spec.to);
  const oosInput = backtestInput(oosSpec, shippedData(), configFor(oosSpec, overrides));
  const metrics = backtestMetrics(oosInput, best.outOfSample);
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
    seconds: (performance.now() - started) / 1000,
  };
  const dir = values.out ?? runFolder("optimize", spec, overrides, { share, purge, partitions, space });
  const files = values["no-files"] ? {} : await writeRunFiles(dir, `optimize: best in-sample, out of sample, ${spec.strategy}, ${spec.timeframe}`, oosInput, best.outOfSample, metrics);
  if (values.json) return console.log(JSON.stringify({ ...summary, files }, null, 2));
  console.log(
    `\noptimize ${spec.strategy} on ${spec.symbols.join(", ")}, ${spec.timeframe}: ${sets.length} candidates${rejected ? ` (${rejected} invalid left out)` : ""}, in sample ${summary.inSample.join(" → ")}, out of sample ${summary.outOfSample.join(" → ")}; ${summary.seconds.toFixed(1)} s\n`,
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
