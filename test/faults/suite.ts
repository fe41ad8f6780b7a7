import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { runSchedule, type Violation } from "./harness";
import { runPaperSchedule } from "./paper";
import { drawSchedule, type BrokerKind } from "./schedule";

/**
 * The fault harness: seeded runs of entries, exits, market moves, exchange faults, evictions and failed
 * mail deliveries on one portfolio each, checked against the simulator's truth once the engine has
 * converged. FAULT_SEED, FAULT_RUNS (default 100), FAULT_FROM (first run) and FAULT_RUN (replay one run) come from the
 * environment through the project's bindings (vitest.config.ts); `npm run faults` sets them. FAULT_BROKER=paper
 * (project `faults-paper`) runs the same schedules on the paper broker (test/faults/paper.ts).
 */
const vars = env as unknown as Record<string, string | undefined>;
const SEED = Number(vars.FAULT_SEED ?? "1") >>> 0;
const ONLY = vars.FAULT_RUN !== undefined && vars.FAULT_RUN !== "" ? Number(vars.FAULT_RUN) : null;
const RUNS = ONLY === null ? Math.max(1, Number(vars.FAULT_RUNS ?? "100")) : 1;
/** The first run of this batch: `npm run faults` splits many runs into batches, each in a fresh workerd. */
const FROM = Math.max(0, Number(vars.FAULT_FROM ?? "0"));
const BROKER: BrokerKind = vars.FAULT_BROKER === "paper" ? "paper" : "exchange";
const ALL = ONLY === null ? Array.from({ length: RUNS }, (_, i) => FROM + i) : [ONLY];
/**
 * FAULT_SPLIT=2 (npm test's slice): two files each run half of the runs, in two workers at once. `npm run faults`
 * sets 1: its batches run in one file each, and it runs batches side by side itself.
 */
const SPLIT = ONLY === null && vars.FAULT_SPLIT === "2";

/** The runs of one file: all of them (part "first") unless the slice is split in two. */
function runsOf(part: "first" | "second"): number[] {
  if (!SPLIT) return part === "first" ? ALL : [];
  const half = Math.ceil(ALL.length / 2);
  return part === "first" ? ALL.slice(0, half) : ALL.slice(half);
}

/** Markers scripts/faults.ts reads from the output (one JSON object per line). */
function report(kind: "FAULT_RUN" | "FAULT_VIOLATION" | "FAULT_SUMMARY", data: unknown): void {
  console.log(`${kind} ${JSON.stringify(data)}`);
}

/** The harness's runs of one file (`part`), each a test, and the summary line scripts/faults.ts reads. */
export function faultHarnessSuite(part: "first" | "second"): void {
  const indices = runsOf(part);
  const all: Violation[] = [];
  const times: number[] = [];
  describe(`fault harness (seed ${SEED}${BROKER === "paper" ? ", paper broker" : ""}${SPLIT ? `, ${part} half` : ""})`, () => {
    if (indices.length === 0) it.skip("no runs in this part (the slice is not split)", () => {});
    for (const k of indices) {
      it(`run ${k}`, async () => {
        const schedule = drawSchedule(SEED, k, BROKER);
        let result;
        try {
          result = BROKER === "paper" ? await runPaperSchedule(schedule) : await runSchedule(schedule);
        } catch (err) {
          const v: Violation = {
            invariant: "run_error",
            seed: SEED,
            run: k,
            detail: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err),
            schedule: schedule.steps.map((s) => JSON.stringify(s)),
          };
          all.push(v);
          report("FAULT_VIOLATION", v);
          throw err;
        }
        times.push(result.wallMs);
        all.push(...result.violations);
        report("FAULT_RUN", { seed: SEED, run: k, wallMs: result.wallMs, convergeMs: result.convergeMs, violations: result.violations.length, log: result.log });
        for (const v of result.violations) report("FAULT_VIOLATION", { ...v, log: result.log });
        expect(
          result.violations,
          `seed ${SEED} run ${k}:\n${result.violations.map((v) => `${v.invariant}: ${v.detail}`).join("\n")}\nschedule:\n${result.violations[0]?.schedule.join("\n")}\nlog:\n${result.log.join("\n")}`,
        ).toEqual([]);
      }, 60_000);
    }

    afterAll(() => {
      if (indices.length === 0) return;
      const total = times.reduce((a, b) => a + b, 0);
      report("FAULT_SUMMARY", {
        seed: SEED,
        runs: indices.length,
        completed: times.length,
        violations: all.length,
        meanRunMs: times.length ? Math.round(total / times.length) : null,
        maxRunMs: times.length ? Math.max(...times) : null,
      });
    });
  });
}
