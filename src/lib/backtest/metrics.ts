import { summarize } from "../metrics/summary";
import type { Metrics, PricePoint } from "../metrics/types";
import { TIMEFRAME_MS } from "../market/timeframe";
import type { BacktestInput, BacktestResult } from "./types";

/** Crypto trades every day of the year. */
export const CRYPTO_PERIODS_PER_YEAR = 365;

/** Closes stamped like the equity curve (1 ms before each candle's close), so both are read at the same instants. */
function closesOf(input: BacktestInput, symbol: string): PricePoint[] {
  const ms = TIMEFRAME_MS[input.baseTimeframe];
  return (input.candles[symbol] ?? []).map((c) => ({ t: c.t + ms - 1, close: c.c }));
}

/**
 * A run's metrics: returns and risk from its equity curve, trade statistics from its closed trades,
 * fees from every fill (open positions' entries too), against buy-and-hold of BTC (when in the run)
 * and of the equal-weight basket of the run's symbols.
 */
export function backtestMetrics(input: BacktestInput, result: Pick<BacktestResult, "equity" | "trades" | "fills">, periodsPerYear = CRYPTO_PERIODS_PER_YEAR): Metrics {
  const symbols = Object.keys(input.candles);
  const btc = symbols.find((s) => s.startsWith("BTC/"));
  return summarize({
    equity: result.equity,
    trades: result.trades,
    benchmarks: {
      ...(btc ? { btc: closesOf(input, btc) } : {}),
      basket: Object.fromEntries(symbols.map((s) => [s, closesOf(input, s)])),
    },
    periodsPerYear,
    feesPaid: result.fills.reduce((s, f) => s + f.fee, 0),
  });
}
