import { expect } from "vitest";
import type { EquityPoint, PricePoint, TradeRecord } from "../../../src/lib/metrics";

/*
 * A naive, independent reference for the metrics: calendar walking by ISO date strings, every pair of
 * points for the drawdown, interval sweeps for exposure. Slow and obvious on purpose.
 */

const D = 86_400_000;

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

export function naiveMetrics(curve: EquityPoint[], trades: TradeRecord[], ppy: number) {
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
  const times = [...new Set([first.t, last.t, ...trades.flatMap((t) => [t.entryAt, t.exitAt])])].filter((t) => t >= first.t && t <= last.t).sort((a, b) => a - b);
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

export function naiveHold(series: PricePoint[], from: number, to: number): number {
  const start = series.filter((p) => p.t <= from).at(-1)!.close;
  const end = series.filter((p) => p.t <= to).at(-1)!.close;
  return end / start - 1;
}

export function expectClose(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}
