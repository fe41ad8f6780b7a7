import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { challengerOf, parseStartArgs, START_USAGE, UsageError } from "../../../scripts/lib/start-args";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const failed = (e: unknown) => e as { code: number; stdout: string; stderr: string };

describe("npm start's options", () => {
  it("has defaults for everything; --start only when given", () => {
    expect(parseStartArgs([])).toEqual({ speed: 2400, start: undefined, port: 8787, simPort: 9100, llmPort: 9200, keep: false, broker: "paper", portfolios: 1, market: "spot" });
    expect(parseStartArgs(["--start", "2026-03-24T12:00:00Z", "--keep", "--port", "8788"])).toMatchObject({ start: Date.UTC(2026, 2, 24, 12), keep: true, port: 8788 });
  });

  it("--market futures trades the perpetuals, on the paper broker by default or through the exchange broker; an unknown market is a usage error", () => {
    expect(parseStartArgs(["--market", "futures"])).toMatchObject({ market: "futures", broker: "paper" });
    expect(parseStartArgs(["--market", "futures", "--broker", "exchange"])).toMatchObject({ market: "futures", broker: "exchange" });
    expect(() => parseStartArgs(["--market", "options"])).toThrow(/--market must be spot or futures, got "options"/);
  });

  it("--portfolios 2 adds a challenger beside the configured portfolio; only 1 or 2", () => {
    expect(parseStartArgs(["--portfolios", "2"])).toMatchObject({ portfolios: 2 });
    expect(parseStartArgs(["--portfolios", "1"])).toMatchObject({ portfolios: 1 });
    expect(challengerOf("main")).toBe("main-challenger");
    for (const bad of ["0", "3", "two", "2.0", ""]) expect(() => parseStartArgs(["--portfolios", bad]), bad).toThrow(/--portfolios must be 1 or 2/);
  });

  it("answers help for --help and -h", () => {
    expect(parseStartArgs(["--help"])).toBe("help");
    expect(parseStartArgs(["-h"])).toBe("help");
  });

  it("refuses unknown options and bad values with a usage error", () => {
    for (const argv of [["--bogus"], ["--port", "99999"], ["--port", "80a"], ["--speed", "0"], ["--start", "yesterday"], ["--broker", "live"], ["--sim-port", "8787"], ["stray"]]) {
      expect(() => parseStartArgs(argv), argv.join(" ")).toThrow(UsageError);
    }
  });

  it("documents every option on a line of its own, and where the state lives", () => {
    for (const option of ["--speed", "--start", "--port", "--sim-port", "--llm-port", "--broker", "--portfolios", "--keep", "--help"]) {
      expect(
        START_USAGE.split("\n").filter((l) => new RegExp(`^  (-h, )?${option} `).test(l)),
        option,
      ).toHaveLength(1);
    }
    expect(START_USAGE).toMatch(/\.wrangler\/demo-<port>/);
    expect(START_USAGE).toMatch(/lock/);
  });
});

describe("scripts/start.ts on the command line", () => {
  it("prints its usage for --help and exits 0, starting nothing", { timeout: 30_000 }, async () => {
    const { stdout, stderr } = await run(TSX, ["scripts/start.ts", "--help"]);
    expect(stdout.trim()).toBe(START_USAGE);
    expect(stderr).toBe("");
  });

  it("refuses an unknown option with one line and exit code 2", { timeout: 30_000 }, async () => {
    const e = failed(
      await run(TSX, ["scripts/start.ts", "--bogus"]).then(
        () => null,
        (x: unknown) => x,
      ),
    );
    expect(e.code).toBe(2);
    expect(e.stdout).toBe("");
    expect(e.stderr.trim().split("\n")).toEqual(["error: Unknown option '--bogus' (npm start -- --help lists the options)"]);
  });
});
