import { describe, expect, it } from "vitest";
import { summarize, type EquityPoint, type PricePoint, type TradeRecord } from "../../../src/lib/metrics";
import { loadCandles } from "../../../sim/data/candles";

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

// ---- a naive, independent reference ----

function naiveDailyReturns(curve: EquityPoint[]): number[] {
  const byDate = new Map<string, number>();
  for (const p of curve) byDate.set(new Date(p.t).toISOString().slice(0, 10), p.equity);
  const closes: number[] = [];
  let prev = NaN;
  const end = new Date(curve[curve.length - 1]!.t).toISOString().slice(0, 10);
  for (let d = new Date(curve[0]!.t); ; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1))) {
    const key = d.toISOString().slice(0, 10);
    prev = byDate.get(key) ?? prev;
    closes.push(prev);
    if (key === end) break;
  }
  return closes.slice(1).map((c, i) => c / closes[i]! - 1);
}

function naiveMetrics(curve: EquityPoint[], trades: TradeRecord[], ppy: number) {
  const r = naiveDailyReturns(curve);
  const n = r.length;
  let sum = 0;
  for (const x of r) sum += x;
  const mu = sum / n;
  let ss = 0;
  let down = 0;
  for (const x of r) {
    ss += (x - mu) ** 2;
    if (x < 0) down += x * x;
  }
  const sd = Math.sqrt(ss / (n - 1));
  const first = curve[0]!;
  const last = curve[curve.length - 1]!;
  const total = last.equity / first.equity - 1;
  const cagr = (last.equity / first.equity) ** ((365.25 * D) / (last.t - first.t)) - 1;

  // Deepest fall over every pair; longest time from a point that is followed by a fall to the first point back at its level.
  let maxDd = 0;
  let longest = { days: 0, recovered: true };
  for (let i = 0; i < curve.length; i++) {
    for (let j = i + 1; j < curve.length; j++) maxDd = Math.max(maxDd, 1 - curve[j]!.equity / curve[i]!.equity);
    if (i + 1 < curve.length && curve[i + 1]!.equity < curve[i]!.equity) {
      const back = curve.findIndex((p, j) => j > i && p.equity >= curve[i]!.equity);
      const days = ((back >= 0 ? curve[back]!.t : last.t) - curve[i]!.t) / D;
      if (days > longest.days) longest = { days, recovered: back >= 0 };
    }
  }

  const wins = trades.filter((t) => t.pnl > 0);
  const losses = trades.filter((t) => t.pnl < 0);
  const total_ = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const times = [...new Set([first.t, last.t, ...trades.flatMap((t) => [t.entryAt, t.exitAt])])]
    .filter((t) => t >= first.t && t <= last.t)
    .sort((a, b) => a - b);
  let covered = 0;
  for (let k = 0; k + 1 < times.length; k++) {
    if (trades.some((t) => t.entryAt <= times[k]! && t.exitAt >= times[k + 1]!)) covered += times[k + 1]! - times[k]!;
  }
  return {
    days: n,
    totalReturn: total,
    cagr,
    volatility: sd * Math.sqrt(ppy),
    sharpe: (mu / sd) * Math.sqrt(ppy),
    sortino: (mu / Math.sqrt(down / n)) * Math.sqrt(ppy),
    maxDrawdown: maxDd,
    longestDays: longest.days,
    recovered: longest.recovered,
    calmar: cagr / maxDd,
    winRate: wins.length / trades.length,
    payoffRatio: total_(wins.map((t) => t.pnl)) / wins.length / Math.abs(total_(losses.map((t) => t.pnl)) / losses.length),
    profitFactor: total_(wins.map((t) => t.pnl)) / Math.abs(total_(losses.map((t) => t.pnl))),
    expectancy: total_(trades.map((t) => t.pnl)) / trades.length,
    expectancyPct: total_(trades.map((t) => t.pnlPct)) / trades.length,
    avgHoldHours: total_(trades.map((t) => (t.exitAt - t.entryAt) / 3_600_000)) / trades.length,
    exposure: covered / (last.t - first.t),
    feesPaid: total_(trades.map((t) => t.fees)),
  };
}

function naiveHold(series: PricePoint[], from: number, to: number): number {
  const start = series.filter((p) => p.t <= from).at(-1)!.close;
  const end = series.filter((p) => p.t <= to).at(-1)!.close;
  return end / start - 1;
}

function expectClose(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe("summarize on BTC buy-and-hold from shipped daily closes", () => {
  for (const [name, from] of [["the full history", btcCandles[0]!.t], ["since SOL listed", solStart]] as const) {
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
