import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const failed = (e: unknown) => e as { code: number; stdout: string; stderr: string };

describe("--help of the simulators and the bench", () => {
  const cases = [
    { script: "sim/exchange/cli.ts", options: ["--port", "--host", "--start", "--speed", "--partials", "--mode", "--symbols", "--balances", "--fill-parts", "--help"] },
    { script: "sim/llm/cli.ts", options: ["--port", "--host", "--quiet", "--help"] },
    { script: "bench/run.ts", options: ["--help", "--json", "BENCH_RUNS"] },
  ];

  for (const { script, options } of cases) {
    it(`${script} --help prints its usage and exits 0 without starting anything`, { timeout: 30_000 }, async () => {
      const started = Date.now();
      const { stdout, stderr } = await run(TSX, [script, "--help"]);
      expect(stderr).toBe("");
      for (const o of options) expect(stdout, o).toContain(o);
      expect(stdout).not.toMatch(/listening|benchmarks \(Node/);
      // The bench proper takes minutes; usage returns at once.
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it(`${script} refuses an unknown option with exit code 2`, { timeout: 30_000 }, async () => {
      const e = failed(
        await run(TSX, [script, "--no-such-option"]).then(
          () => null,
          (x: unknown) => x,
        ),
      );
      expect(e?.code).toBe(2);
      expect(e.stderr.trim().split("\n")).toHaveLength(1);
      expect(e.stderr).toMatch(/^error: /);
    });
  }
});
