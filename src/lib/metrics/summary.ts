import { basketReturn, buyAndHoldReturn } from "./benchmark";
import { DAY_MS, dailyReturns } from "./daily-returns";
import { drawdowns } from "./drawdown";
import { checkedCurve } from "./equity-curve";
import { exposure } from "./exposure";
import { returnStats } from "./return-stats";
import { tradeStats } from "./trade-stats";
import type { Metrics, SummaryInput } from "./types";

const YEAR_MS = 365.25 * DAY_MS;

/** null instead of NaN or ±Infinity, e.g. a CAGR that overflows over a span of minutes. */
function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** Performance of one backtest or live run; see Metrics for each definition. */
export function summarize(input: SummaryInput): Metrics {
  const curve = checkedCurve(input.equity);
  const returns = dailyReturns(curve);
  const stats = returnStats(returns, input.periodsPerYear);
  const trades = tradeStats(input.trades);
  const first = curve[0];
  const last = curve[curve.length - 1];
  const from = first?.t ?? 0;
  const to = last?.t ?? 0;
  const totalReturn = first && last ? last.equity / first.equity - 1 : null;
  const years = (to - from) / YEAR_MS;
  const cagr = totalReturn !== null && years > 0 ? finiteOrNull((1 + totalReturn) ** (1 / years) - 1) : null;
  const dd = curve.length > 0 ? drawdowns(curve) : null;
  const maxDrawdown = dd?.max ?? null;
  const btc = input.benchmarks.btc && first ? buyAndHoldReturn(input.benchmarks.btc, from, to) : null;
  const basket = input.benchmarks.basket && first ? basketReturn(input.benchmarks.basket, from, to) : null;
  return {
    totalReturn,
    cagr,
    volatility: stats.volatility,
    sharpe: stats.sharpe,
    sortino: stats.sortino,
    maxDrawdown,
    longestDrawdown: dd?.longest ?? null,
    calmar: cagr !== null && maxDrawdown ? cagr / maxDrawdown : null,
    ...trades,
    exposure: exposure(input.trades, from, to),
    tradeCount: input.trades.length,
    feesPaid: input.feesPaid ?? input.trades.reduce((s, t) => s + t.fees, 0),
    days: returns.length,
    btcReturn: btc,
    basketReturn: basket,
    excessVsBtc: minus(totalReturn, btc),
    excessVsBasket: minus(totalReturn, basket),
  };
}
