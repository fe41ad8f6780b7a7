import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../../../dashboard/js");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".js") ? [p] : [];
  });
}

/**
 * The dashboard shows text written by Claude and by operators (reasons): it must never parse it as markup. Its code
 * builds every element with js/dom.js (text nodes, attribute values); the browser test checks one reasoning with
 * markup in it, this checks that no module has an HTML sink at all.
 */
describe("dashboard modules", () => {
  it("have no HTML sinks (innerHTML, outerHTML, insertAdjacentHTML, document.write, string event handlers)", () => {
    const found = files(ROOT).flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => ({ f, i: i + 1, line }))
        .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line))
        .filter(({ line }) => /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|setAttribute\(\s*["']on|\beval\(|new Function\(/.test(line)),
    );
    expect(found.map(({ f, i, line }) => `${f}:${i}: ${line.trim()}`)).toEqual([]);
    expect(files(ROOT).length).toBeGreaterThan(5);
  });
});
