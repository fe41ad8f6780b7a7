import type { Candle } from "../../src/lib/market/candle";
import btc15m from "../../data/binance_spot_BTCUSDT_15m.csv?raw";
import btc4h from "../../data/binance_spot_BTCUSDT_4h.csv?raw";
import btc1d from "../../data/binance_spot_BTCUSDT_1d.csv?raw";

/** The shipped CSV files, bundled into the test as text: an expectation independent of the simulator. */
const FILES: Record<string, string> = { "BTCUSDT:15m": btc15m, "BTCUSDT:4h": btc4h, "BTCUSDT:1d": btc1d };

export function shippedCandles(symbol: string, tf: "15m" | "4h" | "1d", from: number, to: number): Candle[] {
  const text = FILES[`${symbol}:${tf}`];
  if (!text) throw new Error(`no shipped file bundled for ${symbol} ${tf}`);
  const out: Candle[] = [];
  for (const line of text.split("\n").slice(1)) {
    if (!line) continue;
    const [t, o, h, l, c, v] = line.split(",").map(Number) as [number, number, number, number, number, number];
    if (t >= from && t < to) out.push({ t, o, h, l, c, v });
  }
  return out;
}
