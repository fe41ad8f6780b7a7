import type { binance as BinanceClass, binanceusdm as BinanceUsdmClass } from "ccxt";
// Only these two ccxt classes are bundled, never ccxt's root (every exchange, ~2.6 MB gzip). ccxt's
// package.json `exports` allows only ".", so "ccxt/binance" and "ccxt/binanceusdm" are aliases to
// node_modules/ccxt/js/src/binance.js and binanceusdm.js: `[alias]` in wrangler.toml (deploy, dev) and
// `resolve.alias` of the workers project in vitest.config.ts. TypeScript cannot see an alias; the classes
// are typed from ccxt's root declarations above (a type-only import, erased from the bundle).
// @ts-expect-error -- resolved by the bundler alias (see above), typed as BinanceClass below
import binanceImpl from "ccxt/binance";
// @ts-expect-error -- resolved by the bundler alias (see above), typed as BinanceUsdmClass below
import binanceUsdmImpl from "ccxt/binanceusdm";
import { BINANCE_SPOT_LIMITS, BINANCE_USDM_LIMITS } from "../../lib/execution/rate-budget";
import { governedFetchFor, governorFor } from "./rate-governor";

const Binance = binanceImpl as typeof BinanceClass;
const BinanceUsdm = binanceUsdmImpl as typeof BinanceUsdmClass;

export type BinanceMarket = "spot" | "usdm";
export type BinanceMode = "testnet" | "live" | "sim";
export type BinanceClient = BinanceClass | BinanceUsdmClass;

export interface BinanceClientOptions {
  market: BinanceMarket;
  /** "sim": the local simulator at `restUrl`; "testnet": Binance's test venue; "live": the real exchange. */
  mode: BinanceMode;
  apiKey: string;
  secret: string;
  /** REST base of the simulator (mode "sim"), e.g. http://127.0.0.1:9100 or a session's restBase. */
  restUrl?: string;
  /** Deadline of every REST call. */
  timeoutMs: number;
  /**
   * How late a signed request may reach the venue before it refuses it (-1021). An order the venue does not know
   * this long after it was signed never will, which is what lets "not found" end an order (notFoundGraceMs).
   */
  recvWindowMs?: number;
  /** Rate-governor key; by default `binanceVenue(market, mode, restUrl)`. */
  venue?: string;
}

/**
 * The rate-governor venue of a client: one per exchange endpoint, so the live venue, the testnet and
 * each simulator base keep their own budgets.
 */
export function binanceVenue(market: BinanceMarket, mode: BinanceMode, restUrl?: string): string {
  const base = market === "spot" ? "binance" : "binanceusdm";
  if (mode === "live") return base;
  if (mode === "testnet") return `${base}-testnet`;
  return `${base}-sim@${(restUrl ?? "").replace(/\/+$/, "")}`;
}

/** Every REST url key of the class pointed at the simulator (spot /api/v3, futures /fapi/vN). */
function simUrls(market: BinanceMarket, api: Record<string, string>, restUrl: string): void {
  const base = restUrl.replace(/\/+$/, "");
  if (market === "spot") {
    api["public"] = `${base}/api/v3`;
    api["private"] = `${base}/api/v3`;
    api["v1"] = `${base}/api/v1`;
    return;
  }
  for (const key of Object.keys(api)) {
    const m = /^fapi(?:Public|Private|Data)?(?:V(\d))?$/.exec(key);
    if (m) api[key] = key === "fapiData" ? `${base}/futures/data` : `${base}/fapi/v${m[1] ?? "1"}`;
  }
}

/**
 * A ccxt Binance client (spot or USD-M futures) whose REST calls all go through the venue's rate
 * governor with a `timeoutMs` deadline (ccxt's own limiter is off: the governor decides). The governed
 * fetchImplementation is also what lets ccxt run in workerd: ccxt's own fetch path passes
 * redirect: "error", which workerd's fetch refuses (ccxt reports NetworkError "fetch failed"). Markets
 * load from the venue's exchangeInfo only (no currencies or margin pairs: private sapi calls we do not need).
 * The keys live only inside the instance; nothing here logs them.
 */
export function createBinanceClient(opts: BinanceClientOptions): BinanceClient {
  if (!(opts.timeoutMs > 0)) throw new RangeError("createBinanceClient: timeoutMs must be positive");
  if (opts.mode === "sim" && !opts.restUrl) throw new Error("createBinanceClient: mode 'sim' needs restUrl");
  const venue = opts.venue ?? binanceVenue(opts.market, opts.mode, opts.restUrl);
  governorFor(venue, opts.market === "spot" ? BINANCE_SPOT_LIMITS : BINANCE_USDM_LIMITS);
  const config = {
    apiKey: opts.apiKey,
    secret: opts.secret,
    enableRateLimit: false,
    timeout: opts.timeoutMs,
    fetchImplementation: governedFetchFor(venue, { timeoutMs: opts.timeoutMs }),
    options: {
      fetchMarkets: { types: [opts.market === "spot" ? "spot" : "linear"] },
      fetchCurrencies: false,
      fetchMargins: false,
      ...(opts.recvWindowMs !== undefined ? { recvWindow: opts.recvWindowMs } : {}),
    },
  };
  const client: BinanceClient = opts.market === "spot" ? new Binance(config) : new BinanceUsdm(config);
  // Keep the credentials out of JSON.stringify and console output of the instance (ccxt reads them as usual).
  for (const key of ["apiKey", "secret"] as const) Object.defineProperty(client, key, { value: client[key], enumerable: false, writable: true, configurable: true });
  if (opts.mode === "sim") simUrls(opts.market, client.urls["api"] as Record<string, string>, opts.restUrl!);
  else if (opts.mode === "testnet") {
    // Spot: testnet.binance.vision. ccxt refuses the futures testnet for private calls (deprecated by
    // Binance): USD-M uses Binance's demo trading venue instead.
    if (opts.market === "spot") client.setSandboxMode(true);
    else client.enableDemoTrading(true);
  }
  return client;
}
