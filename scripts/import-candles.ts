/**
 * `npm run candles:import`: pushes the shipped 1d and 4h candles and the funding rates of BTC/USDT,
 * ETH/USDT and SOL/USDT into a running worker through `PUT /api/candles` and `PUT /api/funding` (5000
 * rows a request; upserts, so running it again changes nothing), for `POST /api/backtests` to run on.
 * Options: --url <worker base URL> (default http://127.0.0.1:8787), --token <API token> (default $API_TOKEN).
 */
import { parseArgs } from "node:util";
import { loadCandles, loadFunding, type ShippedTimeframe } from "../sim/data/candles";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const TIMEFRAMES: ShippedTimeframe[] = ["1d", "4h"];
/** Rows per request: the API's limit. */
const CHUNK = 5000;
const REQUEST_TIMEOUT_MS = 60_000;
const ATTEMPTS = 3;

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    token: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

/** The worker refused the rows (4xx): trying again would not help. */
class Refused extends Error {}

/** One PUT; an upsert, so a network failure or a 5xx is simply tried again (3 attempts). */
async function put(base: string, token: string, path: "/api/candles" | "/api/funding", body: unknown): Promise<{ inserted: number; updated: number }> {
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as { inserted: number; updated: number };
      failure = `PUT ${base}${path} answered ${res.status}: ${text.slice(0, 500)}`;
      if (res.status < 500) throw new Refused(failure);
    } catch (err) {
      if (err instanceof Refused) throw err;
      failure = `PUT ${base}${path} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (attempt >= ATTEMPTS) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}

async function main(): Promise<void> {
  if (values.help) {
    console.log("usage: npm run candles:import -- [--url http://127.0.0.1:8787] [--token <API token>, default $API_TOKEN]");
    return;
  }
  const base = values.url.replace(/\/$/, "");
  const token = values.token ?? process.env.API_TOKEN;
  if (!token) throw new Error("no API token: pass --token or set API_TOKEN");
  let inserted = 0;
  let updated = 0;
  let fundingStored = 0;
  for (const symbol of SYMBOLS) {
    const unified = `${symbol.slice(0, -4)}/${symbol.slice(-4)}`;
    for (const tf of TIMEFRAMES) {
      const rows = loadCandles(symbol, tf).map((c) => [c.t, c.o, c.h, c.l, c.c, c.v]);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const r = await put(base, token, "/api/candles", { symbol: unified, timeframe: tf, candles: rows.slice(i, i + CHUNK) });
        inserted += r.inserted;
        updated += r.updated;
      }
      console.log(`${unified} ${tf}: ${rows.length} candles`);
    }
    const rates = loadFunding(symbol).map((p) => [p.t, p.rate]);
    for (let i = 0; i < rates.length; i += CHUNK) {
      const r = await put(base, token, "/api/funding", { symbol: unified, rates: rates.slice(i, i + CHUNK) });
      fundingStored += r.inserted + r.updated;
    }
    console.log(`${unified} funding: ${rates.length} settlements`);
  }
  console.log(`stored ${inserted + updated} shipped 1d/4h candles (${inserted} new, ${updated} updated) and ${fundingStored} funding rates of BTC, ETH and SOL for backtests in ${base}`);
}

main().catch((err: unknown) => {
  console.error(`candles:import failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
