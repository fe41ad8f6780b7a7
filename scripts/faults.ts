/**
 * The fault harness (test/faults) from the command line:
 *
 *   npm run faults -- --runs 100 --seed 7      runs 0..99 of seed 7
 *   npm run faults -- --seed 7 --run 42        replays run 42 of seed 7 exactly (same schedule)
 *   npm run faults -- --broker paper --runs 200 --seed 1    the same schedules on the paper broker
 *   (--log prints every run's steps and what they did; --verbose vitest's own output)
 *
 * Runs vitest's `faults` project (`faults-paper` with `--broker paper`) with FAULT_RUNS / FAULT_SEED / FAULT_RUN in the environment
 * (vitest.config.ts hands them to the worker as bindings), prints every violation with its seed, run
 * and schedule, and ends with the line `N runs, V violations`; exits 1 on any violation.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const seed = arg("seed") ?? String(Date.now() % 100_000);
const run = arg("run");
const runs = run !== undefined ? "1" : (arg("runs") ?? "100");
const verbose = process.argv.includes("--verbose");
/** `--log`: every run's steps and what they did, not only a failing run's. */
const showLog = process.argv.includes("--log");
const broker = arg("broker") ?? "exchange";
if (broker !== "exchange" && broker !== "paper") {
  console.error(`--broker must be exchange or paper, not ${broker}`);
  process.exit(2);
}
const project = broker === "paper" ? "faults-paper" : "faults";
const brokerArg = broker === "paper" ? " --broker paper" : "";

/**
 * Runs go in batches of `--batch` (100), each in a fresh vitest and workerd: one workerd that has served
 * hundreds of runs slows down (actors and sockets of every earlier run), from ~1.5 s a run to over 6 s.
 * `--jobs` batches run at once (default 2, for the machine's two cores).
 */
const batchSize = Math.max(1, Number(arg("batch") ?? "100"));
const jobs = Math.max(1, Number(arg("jobs") ?? "2"));

function runBatch(from: number, count: number): Promise<number> {
  const child = spawn(process.platform === "win32" ? "npx.cmd" : "npx", ["vitest", "run", "--project", project, "--reporter", "dot"], {
    env: { ...process.env, FAULT_BROKER: broker, FAULT_SEED: seed, FAULT_RUNS: String(count), FAULT_FROM: String(from), FAULT_RUN: run ?? "", FAULT_SPLIT: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

type Violation = { invariant: string; seed: number; run: number; detail: string; schedule: string[]; log?: string[] };
const violations: Violation[] = [];
const finished = new Set<number>();
const runTimes: number[] = [];
const tail: string[] = [];

function onLine(line: string): void {
  const m = /(FAULT_RUN|FAULT_VIOLATION|FAULT_SUMMARY) (\{.*\})\s*$/.exec(line);
  if (!m) {
    tail.push(line);
    if (tail.length > 80) tail.shift();
    if (verbose) console.log(line);
    return;
  }
  const data = JSON.parse(m[2]!);
  if (m[1] === "FAULT_RUN") {
    finished.add(data.run);
    runTimes.push(data.wallMs);
    console.log(
      `run ${data.run}: ${data.wallMs} ms${data.convergeMs === null ? ", did not converge" : `, converged in ${data.convergeMs} ms`}${data.violations ? `, ${data.violations} violation(s)` : ""}`,
    );
    if (showLog && Array.isArray(data.log)) console.log(`  ${data.log.join("\n  ")}`);
  } else if (m[1] === "FAULT_VIOLATION") {
    const v = data as Violation;
    violations.push(v);
    console.log(`\nVIOLATION ${v.invariant} (seed ${v.seed}, run ${v.run}; replay: npm run faults --${brokerArg} --seed ${v.seed} --run ${v.run})`);
    console.log(`  ${v.detail.split("\n").join("\n  ")}`);
    console.log(`  schedule:\n    ${v.schedule.join("\n    ")}`);
    if (v.log) console.log(`  what happened:\n    ${v.log.join("\n    ")}`);
    console.log("");
  }
}

async function main(): Promise<void> {
  const n = Number(runs);
  const batches: [number, number][] = [];
  if (run !== undefined) batches.push([Number(run), 1]);
  else for (let from = 0; from < n; from += batchSize) batches.push([from, Math.min(batchSize, n - from)]);
  let failedBatches = 0;
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: Math.min(jobs, batches.length) }, async () => {
      for (let b = queue.shift(); b; b = queue.shift()) if ((await runBatch(b[0], b[1])) !== 0) failedBatches++;
    }),
  );
  const missing = n - finished.size - new Set(violations.filter((v) => v.invariant === "run_error").map((v) => v.run)).size;
  if (failedBatches > 0 && violations.length === 0) console.log(tail.join("\n")); // vitest failed without a violation: show why
  if (runTimes.length) console.log(`mean ${Math.round(runTimes.reduce((a, b) => a + b, 0) / runTimes.length)} ms per run`);
  if (missing > 0) console.log(`${missing} run(s) did not report (timed out or vitest failed)`);
  console.log(`${n} runs, ${violations.length} violations`);
  process.exit(violations.length > 0 || failedBatches > 0 || missing > 0 ? 1 : 0);
}

void main();
