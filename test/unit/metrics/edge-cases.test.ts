import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarize, type EquityPoint, type Metrics, type SummaryInput, type TradeRecord } from "../../../src/lib/metrics";

const D = 86_400_000;
const T0 = Date.UTC(2024, 5, 1);
const curve = (values: number[], step = D): EquityPoint[] => values.map((equity, i) => ({ t: T0 + i * step, equity }));
const run = (input: Partial<SummaryInput>): Metrics => summarize({ equity: curve([100, 101, 99, 102]), trades: [], benchmarks: {}, periodsPerYear: 365, ...input });
const trade = (pnl: number, i = 0): TradeRecord => ({
  symbol: "BTCUSDT",
  entryAt: T0 + i * 3_600_000,
  exitAt: T0 + (i + 1) * 3_600_000,
  entryPrice: 100,
  exitPrice: 100 + pnl,
  qty: 1,
  pnl,
  pnlPct: pnl / 100,
  fees: 0,
});

describe("undefined metrics are null", () => {
  it("without trades: every per-trade statistic is null, exposure and fees 0", () => {
    const m = run({});
    expect([m.winRate, m.payoffRatio, m.profitFactor, m.expectancy, m.expectancyPct, m.avgHoldHours]).toEqual([null, null, null, null, null, null]);
    expect(m.tradeCount).toBe(0);
    expect(m.exposure).toBe(0);
    expect(m.feesPaid).toBe(0);
  });

  it("with only winners: no payoff ratio or profit factor (no loss to divide by)", () => {
    const m = run({ trades: [trade(5), trade(3, 1)] });
    expect(m.winRate).toBe(1);
    expect(m.payoffRatio).toBeNull();
    expect(m.profitFactor).toBeNull();
  });

  it("with only losers: win rate and profit factor 0, no payoff ratio", () => {
    const m = run({ trades: [trade(-5), trade(-3, 1)] });
    expect(m.winRate).toBe(0);
    expect(m.profitFactor).toBe(0);
    expect(m.payoffRatio).toBeNull();
  });

  it("a flat curve: zero volatility and drawdown, no Sharpe, Sortino, Calmar or drawdown period", () => {
    const m = run({ equity: curve([100, 100, 100, 100]) });
    expect(m.volatility).toBe(0);
    expect([m.sharpe, m.sortino, m.calmar, m.longestDrawdown]).toEqual([null, null, null, null]);
    expect(m.maxDrawdown).toBe(0);
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBe(0);
  });

  it("steady 1 % daily growth: rounding-level deviation is no risk, so no Sharpe; no down day, so no Sortino", () => {
    const m = run({ equity: curve(Array.from({ length: 30 }, (_, i) => 100 * 1.01 ** i)) });
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.volatility).toBe(0);
    expect(m.maxDrawdown).toBe(0);
  });

  it("a single point: return 0 but no CAGR (no elapsed time) and no daily statistics", () => {
    const m = run({ equity: curve([100]), trades: [trade(1)] });
    expect(m.totalReturn).toBe(0);
    expect(m.days).toBe(0);
    expect([m.cagr, m.volatility, m.sharpe, m.sortino, m.exposure, m.calmar]).toEqual([null, null, null, null, null, null]);
  });

  it("an empty curve: every equity metric null", () => {
    const m = run({ equity: [], benchmarks: { btc: [{ t: T0, close: 1 }] } });
    const equityMetrics = [m.totalReturn, m.cagr, m.maxDrawdown, m.longestDrawdown, m.exposure, m.btcReturn, m.excessVsBtc];
    expect(equityMetrics).toEqual(equityMetrics.map(() => null));
  });

  it("a CAGR that overflows (10 % in one minute) is null, not Infinity", () => {
    expect(run({ equity: curve([100, 110], 60_000) }).cagr).toBeNull();
  });

  it("a benchmark that starts after the run, or an empty basket, gives no benchmark or excess return", () => {
    const m = run({ benchmarks: { btc: [{ t: T0 + 1, close: 100 }], basket: {} } });
    expect([m.btcReturn, m.excessVsBtc, m.basketReturn, m.excessVsBasket]).toEqual([null, null, null, null]);
  });

  it("rejects malformed trades and a non-positive periodsPerYear", () => {
    expect(() => run({ trades: [{ ...trade(1), exitAt: T0 - 1 }] })).toThrow(RangeError);
    expect(() => run({ trades: [{ ...trade(1), pnl: NaN }] })).toThrow(RangeError);
    expect(() => run({ periodsPerYear: 0 })).toThrow(RangeError);
  });
});

describe("summarize never reports NaN or Infinity", () => {
  const points = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3 * D }), equity: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) }), { maxLength: 40 }).map((xs) => {
    let t = T0;
    return xs.map((x) => ({ t: (t += x.dt), equity: x.equity }));
  });
  const trades = fc.array(
    fc.record({
      start: fc.integer({ min: -D, max: 60 * D }),
      hold: fc.integer({ min: 0, max: 10 * D }),
      pnl: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    }),
    { maxLength: 12 },
  );

  it("for any positive curve and any trades", () => {
    fc.assert(
      fc.property(points, trades, (equity, ts) => {
        const m = summarize({
          equity,
          trades: ts.map((x) => ({ ...trade(x.pnl), entryAt: T0 + x.start, exitAt: T0 + x.start + x.hold })),
          benchmarks: {
            btc: [
              { t: T0, close: 10 },
              { t: T0 + 20 * D, close: 12 },
            ],
            basket: { A: [{ t: 0, close: 1 }] },
          },
          periodsPerYear: 365,
        });
        const nested = (v: unknown): unknown[] => (v && typeof v === "object" ? Object.values(v) : [v]);
        const numbers = Object.values(m)
          .flatMap(nested)
          .filter((x) => typeof x === "number");
        expect(numbers.every(Number.isFinite)).toBe(true);
        if (m.exposure !== null) expect(m.exposure).toBeGreaterThanOrEqual(0);
        if (m.exposure !== null) expect(m.exposure).toBeLessThanOrEqual(1 + 1e-12);
        if (m.maxDrawdown !== null) expect(m.maxDrawdown).toBeLessThan(1);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
