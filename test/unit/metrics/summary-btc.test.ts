import { describe, expect, it } from "vitest";
import { summarize, type EquityPoint, type PricePoint, type TradeRecord } from "../../../src/lib/metrics";
import { loadCandles } from "../../../sim/data/candles";
import { expectClose, naiveHold, naiveMetrics } from "./naive-reference";

const D = 86_400_000;
const btcCandles = loadCandles("BTCUSDT", "1d");
const solStart = loadCandles("SOLUSDT", "1d")[0]!.t;

// A daily candle's close is known at the end of its UTC day.
const prices = (symbol: string): PricePoint[] => loadCandles(symbol, "1d").map((c) => ({ t: c.t + D - 1, close: c.c }));
const btc = prices("BTCUSDT");
const basket = { BTCUSDT: btc, ETHUSDT: prices("ETHUSDT"), SOLUSDT: prices("SOLUSDT") };

/** Buy-and-hold of 10 000 quote of BTC; every 17th day has no point, so closes must be carried forward. */
function buyAndHold(from: number): EquityPoint[] {
  const series = btc.filter((p) => p.t >= from);
  const first = series[0]!.close;
  return series.filter((_, i) => i === 0 || i === series.length - 1 || i % 17 !== 0).map((p) => ({ t: p.t, equity: (10_000 * p.close) / first }));
}

/** Round trips of 1000 quote on the BTC closes, two overlapping schedules, 0.1 % fee per side. */
function roundTrips(from: number): TradeRecord[] {
  const series = btc.filter((p) => p.t >= from);
  const out: TradeRecord[] = [];
  const add = (i: number, hold: number) => {
    const a = series[i];
    const b = series[Math.min(i + hold, series.length - 1)];
    if (!a || !b || b.t <= a.t) return;
    const qty = 1000 / a.close;
    const fees = 0.001 * qty * (a.close + b.close);
    const pnl = qty * (b.close - a.close) - fees;
    out.push({ symbol: "BTCUSDT", entryAt: a.t, exitAt: b.t, entryPrice: a.close, exitPrice: b.close, qty, pnl, pnlPct: pnl / 1000, fees });
  };
  for (let i = 0; i < series.length; i += 30) add(i, 5 + (i % 11));
  for (let i = 10; i < series.length; i += 45) add(i, 20);
  return out;
}

describe("summarize on BTC buy-and-hold from shipped daily closes", () => {
  for (const [name, from] of [
    ["the full history", btcCandles[0]!.t],
    ["since SOL listed", solStart],
  ] as const) {
    describe(name, () => {
      const equity = buyAndHold(from);
      const trades = roundTrips(from);
      const m = summarize({ equity, trades, benchmarks: { btc, basket }, periodsPerYear: 365 });
      const ref = naiveMetrics(equity, trades, 365);

      it("has days with no point and both winning and losing trades to exercise", () => {
        expect(equity.length).toBeLessThan(ref.days + 1);
        expect(ref.winRate).toBeGreaterThan(0);
        expect(ref.winRate).toBeLessThan(1);
      });

      it("matches the reference on every return and risk metric", () => {
        expect(m.days).toBe(ref.days);
        for (const k of ["totalReturn", "cagr", "volatility", "sharpe", "sortino", "maxDrawdown", "calmar"] as const) expectClose(m[k], ref[k]);
        expectClose(m.longestDrawdown!.days, ref.longestDays);
        expect(m.longestDrawdown!.recovered).toBe(ref.recovered);
      });

      it("matches the reference on every trade metric", () => {
        expect(m.tradeCount).toBe(trades.length);
        for (const k of ["winRate", "payoffRatio", "profitFactor", "expectancy", "expectancyPct", "avgHoldHours", "exposure", "feesPaid"] as const) {
          expectClose(m[k], ref[k]);
        }
      });

      it("earns exactly BTC's buy-and-hold return, so its excess over BTC is 0", () => {
        const first = equity[0]!.t;
        const last = equity.at(-1)!.t;
        expectClose(m.btcReturn, naiveHold(btc, first, last));
        expectClose(m.excessVsBtc, 0);
      });
    });
  }

  it("prices the equal-weight basket only over a span every member covers", () => {
    const full = summarize({ equity: buyAndHold(btcCandles[0]!.t), trades: [], benchmarks: { basket }, periodsPerYear: 365 });
    expect(full.basketReturn).toBeNull();
    const equity = buyAndHold(solStart);
    const m = summarize({ equity, trades: [], benchmarks: { basket }, periodsPerYear: 365 });
    const [from, to] = [equity[0]!.t, equity.at(-1)!.t];
    const expected = Object.values(basket).reduce((s, series) => s + naiveHold(series, from, to), 0) / 3;
    expectClose(m.basketReturn, expected);
    expectClose(m.excessVsBasket, m.totalReturn! - expected);
  });
});
