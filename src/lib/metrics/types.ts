/** One sample of account equity (quote currency) at any frequency: per candle, per event, … */
export interface EquityPoint {
  /** Epoch ms. */
  t: number;
  equity: number;
}

/** A closed round trip. */
export interface TradeRecord {
  symbol: string;
  /** Epoch ms. */
  entryAt: number;
  /** Epoch ms. */
  exitAt: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  /** Net of fees, quote currency. */
  pnl: number;
  /** Net of fees, as a fraction of the entry cost. */
  pnlPct: number;
  fees: number;
}

/** A benchmark price observation; the price at time t is the last close with t ≤ that time. */
export interface PricePoint {
  /** Epoch ms. */
  t: number;
  close: number;
}

export interface SummaryInput {
  equity: readonly EquityPoint[];
  trades: readonly TradeRecord[];
  benchmarks: { btc?: readonly PricePoint[]; basket?: Readonly<Record<string, readonly PricePoint[]>> };
  /** Daily periods in a year for annualising: 365 for crypto, 252 for equities. */
  periodsPerYear: number;
  /** Overrides the sum of the trades' fees, e.g. to include fees of still-open positions. */
  feesPaid?: number;
}

/** The longest stretch below a previous equity peak. */
export interface DrawdownPeriod {
  /** Time of the peak the drawdown started from. */
  peakAt: number;
  /** First time equity was back at or above the peak, or the last point's time if it never was. */
  endAt: number;
  /** (endAt − peakAt) in days, fractional. */
  days: number;
  recovered: boolean;
}

/** Every field that is undefined for the input (no trades, zero deviation, no losses, …) is null. */
export interface Metrics {
  /** last / first equity − 1. */
  totalReturn: number | null;
  /** Compounded over elapsed calendar time, a year being 365.25 days. */
  cagr: number | null;
  /** Sample standard deviation (n − 1) of daily returns × √periodsPerYear. */
  volatility: number | null;
  /** mean / sample sd of daily returns × √periodsPerYear, risk-free 0. */
  sharpe: number | null;
  /** mean daily return × √periodsPerYear / √(Σ min(r, 0)² / n) with n all days (target 0). */
  sortino: number | null;
  /** Deepest fall below a previous peak, a positive fraction of that peak (0.2 = −20 %). */
  maxDrawdown: number | null;
  longestDrawdown: DrawdownPeriod | null;
  /** cagr / maxDrawdown. */
  calmar: number | null;
  /** Trades with pnl > 0 over all trades. */
  winRate: number | null;
  /** Mean winning pnl / |mean losing pnl| (quote). */
  payoffRatio: number | null;
  /** Gross profit / |gross loss| (quote). */
  profitFactor: number | null;
  /** Mean pnl per trade, quote. */
  expectancy: number | null;
  /** Mean pnlPct per trade. */
  expectancyPct: number | null;
  avgHoldHours: number | null;
  /** Share of the equity curve's span with at least one open position. */
  exposure: number | null;
  tradeCount: number;
  feesPaid: number;
  /** Daily returns the return statistics were computed from. */
  days: number;
  /** Buy-and-hold return of BTC over the equity curve's span. */
  btcReturn: number | null;
  /** Buy-and-hold return of an equal-weight, never rebalanced basket over the same span. */
  basketReturn: number | null;
  /** totalReturn − btcReturn. */
  excessVsBtc: number | null;
  /** totalReturn − basketReturn. */
  excessVsBasket: number | null;
}
