/**
 * Size of the deployed worker bundle: `wrangler deploy --dry-run --outdir <tmp>` builds exactly what a
 * deploy would upload; this sums the output's JavaScript files raw and gzipped (node:zlib, default level)
 * and checks the gzip total against the project's limit, 1.5 MiB.
 *
 * `npm run bench` prints the line for src/worker.ts. Run alone (`npx tsx bench/bundle-size.ts`) it also
 * measures a variant whose entry is the worker plus the ccxt broker factory
 * (src/adapters/exchange/ccxt-binance.ts), the figure the worker will have once the engine imports it.
 * Exits non-zero when a measured bundle is over the limit.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUNDLE_LIMIT_GZIP_MIB = 1.5;
const MIB = 1024 * 1024;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface BundleSize {
  label: string;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  overLimit: boolean;
}

/** Builds with wrangler into a temporary folder and measures its .js/.mjs/.cjs files. `entry` replaces wrangler.toml's `main`. */
export function measureBundle(label: string, entry?: string): BundleSize {
  const out = mkdtempSync(join(tmpdir(), "edgetrader-bundle-"));
  try {
    const wrangler = join(ROOT, "node_modules", ".bin", "wrangler");
    const args = ["deploy", "--dry-run", "--outdir", out, "--config", join(ROOT, "wrangler.toml"), "--env", "", ...(entry ? [entry] : [])];
    const r = spawnSync(wrangler, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, maxBuffer: 64 * MIB });
    if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed (${r.status ?? r.signal}):\n${(r.stderr || r.stdout || String(r.error ?? "")).slice(-4000)}`);
    const files = readdirSync(out).filter((f) => /\.(m|c)?js$/.test(f) && statSync(join(out, f)).isFile());
    if (files.length === 0) throw new Error(`wrangler wrote no JavaScript into ${out}`);
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const f of files) {
      const bytes = readFileSync(join(out, f));
      rawBytes += bytes.length;
      gzipBytes += gzipSync(bytes).length;
    }
    return { label, files, rawBytes, gzipBytes, overLimit: gzipBytes > BUNDLE_LIMIT_GZIP_MIB * MIB };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The bundle of wrangler.toml's `main` (src/worker.ts), as deployed. */
export function measureDeployedBundle(): BundleSize {
  return measureBundle("bundle");
}

/** The worker plus the ccxt broker factory, through a temporary entry that re-exports both. */
export function measureWorkerWithCcxt(): BundleSize {
  const dir = mkdtempSync(join(tmpdir(), "edgetrader-entry-"));
  try {
    const entry = join(dir, "worker-with-ccxt.ts");
    const src = (p: string) => JSON.stringify(join(ROOT, p));
    writeFileSync(
      entry,
      `export * from ${src("src/worker.ts")};\nexport { default } from ${src("src/worker.ts")};\nexport { createBinanceClient } from ${src("src/adapters/exchange/ccxt-binance.ts")};\n`,
    );
    return measureBundle("bundle with the ccxt broker", entry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatBundleLine(b: BundleSize): string {
  const mib = (n: number) => (n / MIB).toFixed(2);
  return `${b.label}: ${mib(b.rawBytes)} MiB raw, ${mib(b.gzipBytes)} MiB gzip (limit ${BUNDLE_LIMIT_GZIP_MIB} MiB gzip)${b.overLimit ? " — OVER THE LIMIT" : ""}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = [measureDeployedBundle(), measureWorkerWithCcxt()];
  for (const b of results) console.log(formatBundleLine(b));
  const over = results.filter((b) => b.overLimit);
  if (over.length) {
    console.error(`bundle size over ${BUNDLE_LIMIT_GZIP_MIB} MiB gzip: ${over.map((b) => b.label).join(", ")}`);
    process.exit(1);
  }
}
