/**
 * The API fuzz run (test/workers/api-fuzz.test.ts) from the command line, bigger than the test suite's:
 *
 *   npm run fuzz -- --requests 20000 --seed 7     20,000 seeded bad requests over every route
 *   npm run fuzz -- --seed 7 --verbose            vitest's own output (the engine's logs too)
 *
 * Runs vitest's `workers` project on that file with FUZZ_REQUESTS / FUZZ_SEED (vitest.config.ts hands them
 * to the worker as bindings), prints the run's summary (requests, routes, time, answers by status) and
 * any failing request, and exits 1 when a request got a 5xx or the engine did not trade afterwards.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const requests = Number(arg("requests") ?? "10000");
const seed = Number(arg("seed") ?? String(Date.now() % 100_000));
const concurrency = Number(arg("concurrency") ?? "8");
const verbose = process.argv.includes("--verbose");
for (const [name, v] of [
  ["requests", requests],
  ["seed", seed],
  ["concurrency", concurrency],
] as const) {
  if (!Number.isInteger(v) || v < (name === "seed" ? 0 : 1)) {
    console.error(`--${name} must be a ${name === "seed" ? "non-negative" : "positive"} integer`);
    process.exit(2);
  }
}

console.log(`fuzzing the API: ${requests} requests, seed ${seed}`);
const child = spawn(process.platform === "win32" ? "npx.cmd" : "npx", ["vitest", "run", "--project", "workers", "test/workers/api-fuzz.test.ts"], {
  env: { ...process.env, FUZZ_REQUESTS: String(requests), FUZZ_SEED: String(seed), FUZZ_CONCURRENCY: String(concurrency), FORCE_COLOR: "0" },
  stdio: ["ignore", "pipe", "pipe"],
});
const failing: string[] = [];
const onLine = (line: string) => {
  if (verbose) return console.log(line);
  if (line.includes("fuzz seed")) console.log(line.trim());
  else if (/#\d+ .* → \d{3}|AssertionError|Error:|✓|×|Tests\s/.test(line)) failing.push(line.trim());
};
createInterface({ input: child.stdout! }).on("line", onLine);
createInterface({ input: child.stderr! }).on("line", onLine);
child.on("close", (code) => {
  for (const l of failing.slice(0, 60)) console.log(l);
  console.log(code === 0 ? `fuzz seed ${seed}: ${requests} requests, no 5xx, the engine traded afterwards` : `fuzz seed ${seed}: FAILED (rerun with --seed ${seed} --verbose)`);
  process.exit(code ?? 1);
});
