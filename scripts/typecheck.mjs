// `npm run typecheck`: the worker's and node's TypeScript projects checked side by side (two cores), each one's
// errors printed whole; exits non-zero when either fails.
import { spawn } from "node:child_process";

const PROJECTS = ["tsconfig.json", "tsconfig.node.json"];
const tsc = new URL("../node_modules/typescript/bin/tsc", import.meta.url).pathname;

const results = await Promise.all(
  PROJECTS.map(
    (p) =>
      new Promise((resolve) => {
        let out = "";
        const child = spawn(process.execPath, [tsc, "-p", p], { stdio: ["ignore", "pipe", "pipe"] });
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => resolve({ p, code: code ?? 1, out }));
      }),
  ),
);
for (const r of results) {
  if (r.out) process.stdout.write(r.out);
  if (r.code !== 0) console.error(`tsc -p ${r.p} failed (exit ${r.code})`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
