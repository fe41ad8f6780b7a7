/**
 * The dashboard's one generated asset: copies TradingView's lightweight-charts (Apache-2.0) from node_modules into
 * dashboard/vendor/ (gitignored), with its license. Everything else in dashboard/ is hand-written ES modules and CSS.
 * Run by wrangler itself as wrangler.toml's [build] command, before every `wrangler dev` (so `npm start` and the e2e
 * tests) and `wrangler deploy`; `node scripts/build-dashboard.mjs` does the same by hand. Plain Node, no dependencies.
 * Writes only what changed, so wrangler dev's asset watcher is not woken for nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const pkg = new URL("../node_modules/lightweight-charts/", import.meta.url);
const out = new URL("../dashboard/vendor/", import.meta.url);
const FILES = [
  ["dist/lightweight-charts.standalone.production.mjs", "lightweight-charts.standalone.production.mjs"],
  ["LICENSE", "lightweight-charts.LICENSE.txt"],
];

if (!existsSync(new URL("package.json", pkg))) {
  console.error("build-dashboard: node_modules/lightweight-charts is missing: run `npm install` first");
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const { version } = JSON.parse(readFileSync(new URL("package.json", pkg), "utf8"));
let written = 0;
for (const [from, to] of FILES) {
  const data = readFileSync(new URL(from, pkg));
  const target = new URL(to, out);
  if (existsSync(target) && readFileSync(target).equals(data)) continue;
  writeFileSync(target, data);
  written++;
}
console.log(`build-dashboard: lightweight-charts ${version} in dashboard/vendor/ (${written ? `${written} file(s) written` : "up to date"})`);
