import { describe, expect, it } from "vitest";
import { summarize, type EquityPoint, type PricePoint, type TradeRecord } from "../../../src/lib/metrics";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1); // Mon 2024-01-01 00:00 UTC
const at = (day: number, hour: number) => T0 + day * D + hour * H;

/*
 * Equity, with UTC daily closes (last point of each day):
 *   d0 00:00 1000, 12:00 1100           close 1100
 *   d1 06:00  990, 18:00  880           close  880
 *   d2 (no point)                       close  880 (carried)
 *   d3 12:00  968                       close  968
 *   d4 06:00 1210, 18:00 1089           close 1089
 * Daily returns: 880/1100−1 = −0.2, 0, 968/880−1 = 0.1, 1089/968−1 = 0.125.
 *   mean = 0.025/4 = 0.00625
 *   deviations −0.20625, −0.00625, 0.09375, 0.11875; squares sum to
 *   0.0425390625 + 0.0000390625 + 0.0087890625 + 0.0141015625 = 0.06546875 → sample var 0.06546875/3
 *   downside deviation √((−0.2)² / 4) = 0.1
 * Total return 1089/1000 − 1 = 0.089 over 4.75 days (d0 00:00 → d4 18:00).
 * Drawdowns on the points: peak 1100 (d0 12:00) → trough 880: 0.2, back above at 1210 (d4 06:00):
 *   3.75 days, recovered; then 1210 → 1089: 0.1 for 0.5 days, not recovered.
 */
const equity: EquityPoint[] = [
  { t: at(0, 0), equity: 1000 },
  { t: at(0, 12), equity: 1100 },
  { t: at(1, 6), equity: 990 },
  { t: at(1, 18), equity: 880 },
  { t: at(3, 12), equity: 968 },
  { t: at(4, 6), equity: 1210 },
  { t: at(4, 18), equity: 1089 },
];

const trade = (symbol: string, entryAt: number, exitAt: number, pnl: number, pnlPct: number, fees: number): TradeRecord => ({
  symbol,
  entryAt,
  exitAt,
  entryPrice: 100,
  exitPrice: 100 * (1 + pnlPct),
  qty: 1,
  pnl,
  pnlPct,
  fees,
});

/*
 * Trades (hold hours):            pnl   pnlPct fees
 *   A d0 00:00 → d0 12:00  (12)  +100   +0.10  1
 *   B d0 06:00 → d1 06:00  (24)   −50   −0.05  2     overlaps A
 *   C d2 00:00 → d2 12:00  (12)     0    0     0.5   breakeven: neither win nor loss
 *   D d3 00:00 → d4 12:00  (36)  +200   +0.20  1.5
 *   E d4 12:00 → d5 00:00  (12)  −150   −0.10  1     runs past the last point (d4 18:00)
 * win rate 2/5; payoff (300/2) / (200/2) = 1.5; profit factor 300/200 = 1.5
 * expectancy 100/5 = 20 quote, 0.15/5 = 0.03; hold 96/5 = 19.2 h; fees 6
 * exposure: A∪B = d0 00:00→d1 06:00 (30 h), C 12 h, D∪E clipped = d3 00:00→d4 18:00 (42 h):
 *   84 h of the 114 h span = 14/19
 */
const trades: TradeRecord[] = [
  trade("BTCUSDT", at(0, 0), at(0, 12), 100, 0.1, 1),
  trade("ETHUSDT", at(0, 6), at(1, 6), -50, -0.05, 2),
  trade("SOLUSDT", at(2, 0), at(2, 12), 0, 0, 0.5),
  trade("BTCUSDT", at(3, 0), at(4, 12), 200, 0.2, 1.5),
  trade("ETHUSDT", at(4, 12), at(5, 0), -150, -0.1, 1),
];

/*
 * BTC as of d0 00:00 is 40000 (the d−1 point is older, the d5 one after the span), as of d4 18:00 50000:
 * +0.25. ETH 2000 → 1800: −0.1. Equal-weight basket (0.25 − 0.1)/2 = 0.075.
 */
const btc: PricePoint[] = [
  { t: at(-1, 0), close: 39000 },
  { t: at(0, 0), close: 40000 },
  { t: at(2, 0), close: 44000 },
  { t: at(4, 12), close: 50000 },
  { t: at(5, 0), close: 60000 },
];
const eth: PricePoint[] = [
  { t: at(0, 0), close: 2000 },
  { t: at(4, 0), close: 1800 },
];

const input = { equity, trades, benchmarks: { btc, basket: { BTCUSDT: btc, ETHUSDT: eth } }, periodsPerYear: 365 };
const sd = Math.sqrt(0.06546875 / 3);
const cagr = 1.089 ** (365.25 / 4.75) - 1;

describe("summarize on a hand-worked run", () => {
  const m = summarize(input);

  it("computes return, CAGR and the daily-return statistics", () => {
    expect(m.days).toBe(4);
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.cagr! / cagr - 1).toBeCloseTo(0, 12);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(365), 12);
    expect(m.sharpe).toBeCloseTo((0.00625 / sd) * Math.sqrt(365), 12);
    expect(m.sortino).toBeCloseTo((0.00625 / 0.1) * Math.sqrt(365), 12);
  });

  it("finds the deepest drawdown and the longest one with its recovery", () => {
    expect(m.maxDrawdown).toBeCloseTo(0.2, 12);
    expect(m.longestDrawdown).toEqual({ peakAt: at(0, 12), endAt: at(4, 6), days: 3.75, recovered: true });
    expect(m.calmar! / (cagr / 0.2) - 1).toBeCloseTo(0, 12);
  });

  it("computes the per-trade statistics, exposure and fees", () => {
    expect(m.tradeCount).toBe(5);
    expect(m.winRate).toBe(0.4);
    expect(m.payoffRatio).toBe(1.5);
    expect(m.profitFactor).toBe(1.5);
    expect(m.expectancy).toBe(20);
    expect(m.expectancyPct).toBeCloseTo(0.03, 12);
    expect(m.avgHoldHours).toBeCloseTo(19.2, 12);
    expect(m.exposure).toBeCloseTo(14 / 19, 12);
    expect(m.feesPaid).toBe(6);
  });

  it("measures buy-and-hold benchmarks over the same span and the excess over them", () => {
    expect(m.btcReturn).toBe(0.25);
    expect(m.basketReturn).toBeCloseTo(0.075, 12);
    expect(m.excessVsBtc).toBeCloseTo(0.089 - 0.25, 12);
    expect(m.excessVsBasket).toBeCloseTo(0.089 - 0.075, 12);
  });

  it("gives the same answer for the points and trades in any order", () => {
    const shuffled = summarize({ ...input, equity: [...equity].reverse(), trades: [...trades].reverse() });
    expect(shuffled).toEqual(m);
  });

  it("annualises with the given periods per year", () => {
    const eq = summarize({ ...input, periodsPerYear: 252 });
    expect(eq.sharpe).toBeCloseTo((0.00625 / sd) * Math.sqrt(252), 12);
    expect(eq.cagr).toBe(m.cagr);
  });

  it("reports an explicit feesPaid instead of the trades' sum", () => {
    expect(summarize({ ...input, feesPaid: 7.25 }).feesPaid).toBe(7.25);
  });

  it("marks a drawdown still open at the end as not recovered", () => {
    // Cutting the run after d1 leaves the 1100 → 880 drawdown open: 1.25 days from d0 12:00.
    const cut = summarize({ ...input, equity: equity.slice(0, 4) });
    expect(cut.longestDrawdown).toEqual({ peakAt: at(0, 12), endAt: at(1, 18), days: 1.25, recovered: false });
  });
});
