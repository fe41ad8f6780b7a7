import type { CandleData } from "../../src/lib/backtest/spec";
import type { StampedRate } from "../../src/lib/backtest/types";
import { aggregateCandles } from "../../src/lib/market/aggregate";
import type { Candle } from "../../src/lib/market/candle";
import type { Timeframe } from "../../src/lib/market/timeframe";
import { loadCandles, loadFunding, DATA_DIR } from "../../sim/data/candles";
import { existsSync, readdirSync } from "node:fs";
import { syntheticHistory } from "../../sim/data/derivatives";
import { countAtOrBefore } from "../../src/lib/util/bisect";

/** "BTC/USDT" → "BTCUSDT", the shipped files' spelling. */
const fileSymbol = (symbol: string): string => symbol.replace("/", "");

/** Symbols with shipped candles, in the engine's spelling. */
export function shippedSymbols(): string[] {
  const names = new Set(readdirSync(DATA_DIR).flatMap((f) => /^binance_spot_([A-Z0-9]+?)(USDT)_/.exec(f)?.slice(1, 3).join("/") ?? []));
  return [...names].sort();
}

/**
 * The shipped data (data/) as a backtest's candle source: 1m, 15m, 4h and 1d files as they are, 1h
 * built from 15m candles; funding from the USD-M history; open interest, taker and long/short ratios, basis and
 * liquidations only from the simulator's SYNTHETIC generator, when a run asks for it. A symbol with no file has no candles.
 */
export function shippedData(): CandleData {
  const memo = new Map<string, Candle[]>();
  const read = (symbol: string, tf: Timeframe): Candle[] => {
    return tf === "1h" ? aggregateCandles(loadCandles(fileSymbol(symbol), "15m"), "1h") : loadCandles(fileSymbol(symbol), tf);
  };
  return {
    candles(symbol, tf) {
      const key = `${symbol}:${tf}`;
      let hit = memo.get(key);
      if (!hit) memo.set(key, (hit = read(symbol, tf)));
      return hit;
    },
    syntheticDerivatives(symbol, from, to) {
      // Liquidations are priced at the open of the shipped 15m candle they fall in (a price known at their time).
      const candles = loadCandles(fileSymbol(symbol), "15m");
      const priceAt = (t: number): number | null => {
        const c = candles[countAtOrBefore(candles, t, (x) => x.t) - 1];
        return c && t < c.t + 900_000 ? c.o : null;
      };
      return syntheticHistory(fileSymbol(symbol), from, to, priceAt);
    },
    funding(symbol): StampedRate[] {
      if (!existsSync(`${DATA_DIR}funding_${fileSymbol(symbol)}.csv`)) return [];
      return loadFunding(fileSymbol(symbol)).map((p) => ({ at: p.t, value: p.rate }));
    },
  };
}
