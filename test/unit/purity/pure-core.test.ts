import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const LIB = fileURLToPath(new URL("../../../src/lib/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/from\s+["']cloudflare:/, "imports cloudflare:*"],
  [/from\s+["']hono/, "imports hono"],
  [/from\s+["'][./]*\/?(adapters|actors|api)\//, "imports an adapter, actor or route"],
  [/from\s+["']node:/, "imports a node builtin"],
  [/from\s+["'](ccxt|@anthropic-ai\/sdk|ws)["']/, "imports an I/O library"],
  [/\bDate\.now\s*\(/, "calls Date.now()"],
  [/\bMath\.random\s*\(/, "calls Math.random()"],
  [/\bfetch\s*\(/, "calls fetch()"],
  [/\bnew Date\(\s*\)/, "reads the clock with new Date()"],
  [/\bperformance\.now\s*\(/, "calls performance.now()"],
];

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

describe("the pure core (src/lib)", () => {
  const sources = files(LIB);

  it("has source files to check", () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it("imports nothing from cloudflare:, hono or adapters and reads no clock or randomness", () => {
    const violations: string[] = [];
    for (const file of sources) {
      const code = stripComments(readFileSync(file, "utf8"));
      for (const [re, what] of FORBIDDEN) if (re.test(code)) violations.push(`${relative(LIB, file)} ${what}`);
    }
    expect(violations).toEqual([]);
  });

  it("the check itself catches a violation", () => {
    const bad = stripComments('import { x } from "cloudflare:workers";\nconst t = Date.now();');
    expect(FORBIDDEN.filter(([re]) => re.test(bad)).map(([, w]) => w)).toEqual(["imports cloudflare:*", "calls Date.now()"]);
  });
});
