import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { backtestMetrics } from "../../../src/lib/backtest/metrics";
import { expectClose, naiveHold, naiveMetrics } from "../metrics/naive-reference";
import { shippedInput, SINGLE } from "./fixtures";

describe("metrics of a real backtest run", () => {
  it("match the naive reference to 1e-9: regime blend, daily, BTC/ETH/SOL 2023-01 to 2026-02", { timeout: 120_000 }, async () => {
    const input = shippedInput("1d", Date.UTC(2023, 0, 1), Date.UTC(2026, 2, 1), SINGLE("regime-blend", "1d"));
    const r = await runBacktest(input);
    const m = backtestMetrics(input, r);
    const ref = naiveMetrics(r.equity, r.trades, 365);
    // Enough of a run to exercise every metric: wins and losses, a drawdown, trades overlapping.
    expect(r.trades.length).toBeGreaterThan(20);
    expect(ref.winRate).toBeGreaterThan(0);
    expect(ref.winRate).toBeLessThan(1);
    expect(m.days).toBe(ref.days);
    for (const k of [
      "totalReturn",
      "cagr",
      "volatility",
      "sharpe",
      "sortino",
      "maxDrawdown",
      "calmar",
      "winRate",
      "payoffRatio",
      "profitFactor",
      "expectancy",
      "expectancyPct",
      "avgHoldHours",
      "exposure",
    ] as const) {
      expectClose(m[k], ref[k]);
    }
    expectClose(m.longestDrawdown?.days ?? null, ref.longestDays);
    // Fees: every fill's, open positions' entries included.
    expectClose(
      m.feesPaid,
      r.fills.reduce((s, f) => s + f.fee, 0),
    );
    const close = (sym: string) => input.candles[sym]!.map((c) => ({ t: c.t + 86_400_000 - 1, close: c.c }));
    const from = r.equity[0]!.t;
    const to = r.equity.at(-1)!.t;
    expectClose(m.btcReturn, naiveHold(close("BTC/USDT"), from, to));
    expectClose(m.basketReturn, (naiveHold(close("BTC/USDT"), from, to) + naiveHold(close("ETH/USDT"), from, to) + naiveHold(close("SOL/USDT"), from, to)) / 3);
  });
});
