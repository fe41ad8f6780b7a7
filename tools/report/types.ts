import type { BacktestTrade } from "../../src/lib/backtest/types";

/** One closed trade from a backtest, as the trades file writes it; reasons may be absent. Times are epoch ms. */
export type TradeRecord = Omit<BacktestTrade, "id" | "entryReason" | "exitReason"> & { entryReason: string | null; exitReason: string | null };

/**
 * One equity snapshot. `drawdown` is a fraction ≤ 0 (−0.25 = 25 % below the running peak); when it is
 * left out the CSV writer derives it from the equity column.
 */
export interface EquityRecord {
  t: number;
  equity: number;
  cash: number;
  exposure: number;
  drawdown?: number;
}

export interface EquityPoint {
  t: number;
  equity: number;
}

export interface BenchmarkSeries {
  label: string;
  points: { t: number; value: number }[];
}

export interface Metric {
  label: string;
  value: string;
}

/** Input shared by the HTML/SVG and PNG charts. Drawdown is derived from `equity`. */
export interface ChartInput {
  title: string;
  equity: EquityPoint[];
  benchmarks?: BenchmarkSeries[];
  metrics?: Metric[];
}
