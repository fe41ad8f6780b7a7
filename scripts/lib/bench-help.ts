/**
 * `npm run bench` takes `--json` alone: `--help` prints what it measures and exits 0, anything else is refused
 * (exit 2). Imported first by bench/run.ts, so this answers before the bench's own imports load the shipped data.
 */
export const BENCH_USAGE = `npm run bench: speed of the pure core in Node on the shipped real data (results in docs/BENCHMARKS.md)

  gate evaluation per tick; frame → zod parse → features → gate; the regime HMM fit;
  backtest throughput, beside the peer backtester (grademark); the deployed worker bundle size.

  --json            print every figure as one JSON object (stable names) instead of the tables
  -h, --help        print this and exit
  BENCH_RUNS=<n>    environment: timed runs per backtest scenario, after one warm-up     [5]`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(BENCH_USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => a !== "--json");
if (unknown.length > 0) {
  console.error(`error: npm run bench takes only --json, got ${unknown.join(" ")} (BENCH_RUNS=<n> sets the runs; --help)`);
  process.exit(2);
}
/** `--json`: the figures as one JSON object on stdout, the tables left out. */
export const BENCH_JSON = args.includes("--json");
