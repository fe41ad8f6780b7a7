import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

/**
 * The import directions of the worker's folders: the pure core imports only itself; adapters (I/O) the core;
 * actors the core and adapters; the HTTP API the core, adapters and the actors it calls. `env.ts` and `worker.ts`
 * wire everything. A folder not listed here fails the test until it gets its rule.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  lib: ["lib"],
  adapters: ["lib", "adapters", "env.ts"],
  actors: ["lib", "adapters", "actors", "env.ts"],
  api: ["lib", "adapters", "actors", "api", "env.ts"],
  "env.ts": ["actors", "lib"],
  "worker.ts": ["lib", "adapters", "actors", "api", "env.ts"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The top folder (or root file) of `src` a path lies in. */
const layerOf = (path: string): string => relative(SRC, path).split("/")[0]!;

/** The relative imports of a file (static, type-only and dynamic), resolved to paths under `src`. */
function importsOf(file: string, code: string): string[] {
  const specs = [...code.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.[^"']+)["']/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s));
}

function layerViolations(sources: { file: string; code: string }[]): string[] {
  const out: string[] = [];
  for (const { file, code } of sources) {
    const from = layerOf(file);
    const allowed = MAY_IMPORT[from];
    if (!allowed) {
      out.push(`${relative(SRC, file)}: the folder ${from} has no rule`);
      continue;
    }
    for (const target of importsOf(file, code)) {
      const to = layerOf(target.endsWith(".ts") ? target : `${target}.ts`);
      if (!allowed.includes(to)) out.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} → ${to})`);
    }
  }
  return out;
}

describe("the layers of src", () => {
  const sources = files(SRC).map((file) => ({ file, code: readFileSync(file, "utf8") }));

  it("import only in the allowed directions", () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(layerViolations(sources)).toEqual([]);
  });

  it("the check itself catches an adapter that imports an actor, an actor that imports a route, and an unknown folder", () => {
    const bad = [
      { file: join(SRC, "adapters/x.ts"), code: 'import type { GateActor } from "../actors/gate-actor";' },
      { file: join(SRC, "actors/y.ts"), code: 'const m = await import("../api/app");' },
      { file: join(SRC, "tools/z.ts"), code: "" },
    ];
    expect(layerViolations(bad)).toEqual(["adapters/x.ts imports actors/gate-actor (adapters → actors)", "actors/y.ts imports api/app (actors → api)", "tools/z.ts: the folder tools has no rule"]);
  });
});
