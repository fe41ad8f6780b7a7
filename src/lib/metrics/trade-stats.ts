import { mean } from "simple-statistics";
import type { Metrics, TradeRecord } from "./types";

/** The per-trade part of the metrics (documented there). */
export type TradeStats = Pick<Metrics, "winRate" | "payoffRatio" | "profitFactor" | "expectancy" | "expectancyPct" | "avgHoldHours">;

const HOUR_MS = 3_600_000;

/** Per-trade statistics in quote pnl; a trade with pnl exactly 0 is neither a win nor a loss but counts as a trade. */
export function tradeStats(trades: readonly TradeRecord[]): TradeStats {
  for (const t of trades) {
    if (![t.entryAt, t.exitAt, t.pnl, t.pnlPct, t.fees].every(Number.isFinite) || t.exitAt < t.entryAt) {
      throw new RangeError(`malformed ${t.symbol} trade entered at ${t.entryAt}`);
    }
  }
  if (trades.length === 0) {
    return { winRate: null, payoffRatio: null, profitFactor: null, expectancy: null, expectancyPct: null, avgHoldHours: null };
  }
  const wins = trades.filter((t) => t.pnl > 0).map((t) => t.pnl);
  const losses = trades.filter((t) => t.pnl < 0).map((t) => t.pnl);
  const grossProfit = wins.reduce((s, x) => s + x, 0);
  const grossLoss = losses.reduce((s, x) => s + x, 0);
  return {
    winRate: wins.length / trades.length,
    payoffRatio: wins.length > 0 && losses.length > 0 ? mean(wins) / Math.abs(mean(losses)) : null,
    profitFactor: losses.length > 0 ? grossProfit / Math.abs(grossLoss) : null,
    expectancy: mean(trades.map((t) => t.pnl)),
    expectancyPct: mean(trades.map((t) => t.pnlPct)),
    avgHoldHours: mean(trades.map((t) => (t.exitAt - t.entryAt) / HOUR_MS)),
  };
}
