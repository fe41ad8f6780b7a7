import type { CandleTuple } from "../../src/adapters/store/candle-store";
import type { CandleData } from "../../src/lib/backtest/spec";
import type { Candle } from "../../src/lib/market/candle";
import type { Timeframe } from "../../src/lib/market/timeframe";
import btc1d from "../../data/binance_spot_BTCUSDT_1d.csv?raw";
import btc4h from "../../data/binance_spot_BTCUSDT_4h.csv?raw";
import eth1d from "../../data/binance_spot_ETHUSDT_1d.csv?raw";
import sol1d from "../../data/binance_spot_SOLUSDT_1d.csv?raw";
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

/** The shipped files as a backtest's whole data source (no funding: D1 stores none either). */
export const shippedData: CandleData = { candles: (symbol, tf) => (FILES[`${symbol} ${tf}`] ? shipped(symbol, tf) : []) };

/** Stores shipped candles through PUT /api/candles, 5000 rows a request. */
export async function importShipped(symbol: string, tf: Timeframe): Promise<number> {
  const rows = shipped(symbol, tf).map(tuple);
  for (let i = 0; i < rows.length; i += 5000) {
    const res = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol, timeframe: tf, candles: rows.slice(i, i + 5000) }) });
    if (res.status !== 200) throw new Error(`PUT /api/candles ${symbol} ${tf}: ${res.status} ${await res.text()}`);
  }
  return rows.length;
}
