import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freshAccountNote } from "../../../scripts/lib/walkforward-note";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");

describe("walk-forward says its windows start afresh", () => {
  it("names the reset drawdown halt and the incomparable compounded return", () => {
    expect(freshAccountNote(0, 12)).toBe("each window starts with a fresh account: the drawdown halt resets per window; compounded return is not comparable with a single run");
    expect(freshAccountNote(3, 12)).toContain("the drawdown halt stopped trading in 3 of 12 out-of-sample windows and was lifted at the next");
  });

  it("prints it and writes it to report.txt", { timeout: 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "wf-cli-"));
    const args = [
      "scripts/walkforward.ts",
      "--strategy",
      "regime-blend",
      "--timeframe",
      "1d",
      "--from",
      "2024-01-01",
      "--to",
      "2024-07-01",
      "--in-sample-days",
      "90",
      "--out-of-sample-days",
      "45",
      "--search",
      "trendingEfficiency=0.2,0.3",
      "--out",
      out,
    ];
    const { stdout } = await run(TSX, args, { maxBuffer: 1 << 24 });
    expect(stdout).toContain("each window starts with a fresh account: the drawdown halt resets per window");
    const report = readFileSync(join(out, "report.txt"), "utf8");
    expect(report).toContain("each window starts with a fresh account: the drawdown halt resets per window");
    expect(report).toContain("compounded return is not comparable with a single run");
    expect(report).toContain("chained out of sample");
  });
});
