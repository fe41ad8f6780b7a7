import type { CandleTuple } from "../../src/adapters/store/candle-store";
import type { CandleData } from "../../src/lib/backtest/spec";
import type { Candle } from "../../src/lib/market/candle";
import type { Timeframe } from "../../src/lib/market/timeframe";
import btc1d from "../../data/binance_spot_BTCUSDT_1d.csv?raw";
import btc4h from "../../data/binance_spot_BTCUSDT_4h.csv?raw";
import eth1d from "../../data/binance_spot_ETHUSDT_1d.csv?raw";
import sol1d from "../../data/binance_spot_SOLUSDT_1d.csv?raw";
import btcFunding from "../../data/funding_BTCUSDT.csv?raw";
import ethFunding from "../../data/funding_ETHUSDT.csv?raw";
import solFunding from "../../data/funding_SOLUSDT.csv?raw";
import type { StampedRate } from "../../src/lib/backtest/types";
import { api } from "./support";

/** Shipped CSV files bundled into the tests, by "BTC/USDT 1d". */
const FILES: Record<string, string> = {
  "BTC/USDT 1d": btc1d,
  "ETH/USDT 1d": eth1d,
  "SOL/USDT 1d": sol1d,
  "BTC/USDT 4h": btc4h,
};

const cache = new Map<string, Candle[]>();

/** Every shipped candle of a bundled symbol and timeframe, ascending. */
export function shipped(symbol: string, tf: Timeframe): Candle[] {
  const key = `${symbol} ${tf}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const text = FILES[key];
  if (!text) throw new Error(`no shipped file bundled for ${key}`);
  const out: Candle[] = [];
  for (const line of text.split("\n").slice(1)) {
    if (!line) continue;
    const [t, o, h, l, c, v] = line.split(",").map(Number) as CandleTuple;
    out.push({ t, o, h, l, c, v });
  }
  cache.set(key, out);
  return out;
}

export const tuple = (c: Candle): CandleTuple => [c.t, c.o, c.h, c.l, c.c, c.v];

const FUNDING_FILES: Record<string, string> = { "BTC/USDT": btcFunding, "ETH/USDT": ethFunding, "SOL/USDT": solFunding };
const fundingCache = new Map<string, StampedRate[]>();

/** Every shipped funding settlement of a bundled symbol, ascending. */
export function shippedFunding(symbol: string): StampedRate[] {
  const hit = fundingCache.get(symbol);
  if (hit) return hit;
  const text = FUNDING_FILES[symbol];
  if (!text) throw new Error(`no shipped funding file bundled for ${symbol}`);
  const out: StampedRate[] = [];
  for (const line of text.split("\n").slice(1)) {
    if (!line) continue;
    const [at, value] = line.split(",").map(Number) as [number, number];
    out.push({ at, value });
  }
  fundingCache.set(symbol, out);
  return out;
}

/** The shipped candle files as a backtest's whole data source, without funding. */
export const shippedData: CandleData = { candles: (symbol, tf) => (FILES[`${symbol} ${tf}`] ? shipped(symbol, tf) : []) };

/** The shipped candle and funding files as a backtest's whole data source. */
export const shippedDataWithFunding: CandleData = { ...shippedData, funding: shippedFunding };

/** Stores a symbol's shipped funding settlements through PUT /api/funding, 5000 rows a request. */
export async function importShippedFunding(symbol: string): Promise<number> {
  const rows = shippedFunding(symbol).map((p) => [p.at, p.value]);
  for (let i = 0; i < rows.length; i += 5000) {
    const res = await api("/api/funding", { method: "PUT", body: JSON.stringify({ symbol, rates: rows.slice(i, i + 5000) }) });
    if (res.status !== 200) throw new Error(`PUT /api/funding ${symbol}: ${res.status} ${await res.text()}`);
  }
  return rows.length;
}

/** Stores shipped candles through PUT /api/candles, 5000 rows a request. */
export async function importShipped(symbol: string, tf: Timeframe): Promise<number> {
  const rows = shipped(symbol, tf).map(tuple);
  for (let i = 0; i < rows.length; i += 5000) {
    const res = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol, timeframe: tf, candles: rows.slice(i, i + 5000) }) });
    if (res.status !== 200) throw new Error(`PUT /api/candles ${symbol} ${tf}: ${res.status} ${await res.text()}`);
  }
  return rows.length;
}
