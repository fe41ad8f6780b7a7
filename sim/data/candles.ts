import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Candle } from "../../src/lib/market/candle";

/** Folder of the shipped market data (`data/` at the project root). */
export const DATA_DIR = fileURLToPath(new URL("../../data/", import.meta.url));

export type ShippedTimeframe = "1m" | "15m" | "4h" | "1d";

export interface FundingPoint {
  t: number;
  rate: number;
}

const cache = new Map<string, Candle[]>();

function parseCandleCsv(text: string, file: string): Candle[] {
  const lines = text.split("\n");
  if (lines[0]?.trim() !== "open_time_ms,open,high,low,close,volume") {
    throw new Error(`${file}: unexpected header ${lines[0]}`);
  }
  const out: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [t, o, h, l, c, v] = line.split(",").map(Number);
    if ([t, o, h, l, c, v].some((x) => x === undefined || !Number.isFinite(x))) {
      throw new Error(`${file}:${i + 1}: malformed row`);
    }
    out.push({ t: t!, o: o!, h: h!, l: l!, c: c!, v: v! });
  }
  return out;
}

/** Every shipped 1m/15m/4h/1d candle file of `symbol` (e.g. "BTCUSDT") for `tf`, concatenated in time order. */
export function loadCandles(symbol: string, tf: ShippedTimeframe): Candle[] {
  const key = `${symbol}:${tf}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const prefix = `binance_spot_${symbol}_${tf}`;
  const files = readdirSync(DATA_DIR)
    .filter((f) => f === `${prefix}.csv` || (f.startsWith(`${prefix}_`) && f.endsWith(".csv")))
    .sort();
  const candles = files.flatMap((f) => parseCandleCsv(readFileSync(DATA_DIR + f, "utf8"), f));
  candles.sort((a, b) => a.t - b.t);
  cache.set(key, candles);
  return candles;
}

/** Shipped candles of `symbol`/`tf` with open time in [from, to). */
export function loadCandleRange(symbol: string, tf: ShippedTimeframe, from: number, to: number): Candle[] {
  return loadCandles(symbol, tf).filter((c) => c.t >= from && c.t < to);
}

/** Shipped USD-M perpetual funding history of `symbol` (fraction per funding interval). */
export function loadFunding(symbol: string): FundingPoint[] {
  const file = `funding_${symbol}.csv`;
  const lines = readFileSync(DATA_DIR + file, "utf8").split("\n");
  if (lines[0]?.trim() !== "time_ms,rate") throw new Error(`${file}: unexpected header ${lines[0]}`);
  const out: FundingPoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [t, rate] = line.split(",").map(Number);
    if (!Number.isFinite(t) || !Number.isFinite(rate)) throw new Error(`${file}:${i + 1}: malformed row`);
    out.push({ t: t!, rate: rate! });
  }
  return out;
}
