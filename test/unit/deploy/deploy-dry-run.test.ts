import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * `wrangler deploy --dry-run` bundles and prints the bindings it would upload, without network or login. The
 * vars it prints are what a plain `npm run deploy` (and `--env production`) would ship.
 */
function dryRunVars(extra: string[]): { vars: Record<string, string>; output: string } {
  const out = mkdtempSync(join(tmpdir(), "edgetrader-dry-run-"));
  try {
    const r = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, ...extra], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false", CI: "1" },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output).toBe(0);
    const vars: Record<string, string> = {};
    for (const m of output.matchAll(/env\.([A-Z0-9_]+) \("([^"]*)"\)\s+Environment Variable/g)) vars[m[1]!] = m[2]!;
    return { vars, output };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const LOOPBACK = /127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]|:9100\b/;

describe("wrangler deploy as written", () => {
  for (const [label, extra] of [
    ["plain `wrangler deploy`", []],
    ["`wrangler deploy --env production`", ["--env", "production"]],
  ] as const) {
    it(`${label} binds Binance market data, no loopback address and no local marker`, () => {
      const { vars, output } = dryRunVars([...extra]);
      expect(vars).toMatchObject({ FEED_WS_URL: "wss://stream.binance.com:9443", EXCHANGE_REST_URL: "https://api.binance.com", FUTURES_REST_URL: "https://fapi.binance.com" });
      expect(Object.values(vars).filter((v) => LOOPBACK.test(v))).toEqual([]);
      expect(output).not.toMatch(LOOPBACK);
      expect(vars.EDGETRADER_LOCAL).toBeUndefined();
      expect(output).not.toMatch(/EDGETRADER_LOCAL/);
      expect(output).toMatch(/--dry-run: exiting now/);
    }, 150_000);
  }
});
