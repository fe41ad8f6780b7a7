import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/lib/backtest/engine";
import type { BacktestInput } from "../../../src/lib/backtest/types";
import { loadCandles } from "../../../sim/data/candles";
import { shippedInput, SINGLE } from "./fixtures";

const D = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);

function truncate(input: BacktestInput, t: number): BacktestInput {
  return { ...input, candles: Object.fromEntries(Object.entries(input.candles).map(([s, c]) => [s, c.filter((x) => x.t < t)])) };
}

describe("backtest engine", () => {
  it("cannot see the future: truncating the data after t leaves every decision before t unchanged", { timeout: 120_000 }, async () => {
    const input = shippedInput("4h", D(2024, 1), D(2024, 7), SINGLE("regime-blend"));
    const full = await runBacktest(input);
    expect(full.decisions.length).toBeGreaterThan(100);
    for (const t of [D(2024, 2, 10), D(2024, 4, 1) + 3 * 3_600_000, D(2024, 6, 20)]) {
      const cut = await runBacktest(truncate(input, t));
      const before = (r: typeof full) => r.decisions.filter((d) => d.at < t);
      expect(before(cut)).toEqual(before(full));
      const closedBefore = (r: typeof full) => r.trades.filter((x) => x.exitAt < t);
      expect(closedBefore(cut)).toEqual(closedBefore(full));
    }
  });

  it("fills every order at a price the shipped candle contains, moved only by the slippage, paying the fee rate", { timeout: 120_000 }, async () => {
    const input = shippedInput("1d", D(2021, 1), D(2025, 1), SINGLE("regime-blend", "1d"));
    const r = await runBacktest(input);
    expect(r.fills.length).toBeGreaterThan(60);
    const byT = new Map(["BTC", "ETH", "SOL"].map((s) => [`${s}/USDT`, new Map(loadCandles(`${s}USDT`, "1d").map((c) => [c.t, c]))]));
    const { slippagePct, takerFee } = input.config.paper;
    for (const f of r.fills) {
      const c = byT.get(f.symbol)!.get(f.candleT)!;
      expect([c.o, c.h, c.l, c.c]).toContain(f.marketPrice);
      expect(f.price).toBe(f.side === "buy" ? f.marketPrice * (1 + slippagePct) : f.marketPrice * (1 - slippagePct));
      expect(f.fee).toBeCloseTo(f.qty * f.price * takerFee, 10);
    }
    // A decision taken at a close fills at the next candle's open.
    const decided = r.fills.filter((f) => f.pathIndex === 0);
    expect(decided.length).toBeGreaterThan(0);
    expect(r.trades.reduce((a, t) => a + t.fees, 0)).toBeCloseTo(
      r.fills.reduce((a, f) => a + f.fee, 0),
      6,
    );
  });

  it("is deterministic for a seed, learner and synthesizer included", { timeout: 120_000 }, async () => {
    const input = shippedInput("4h", D(2024, 3), D(2024, 5), { quant: { enabled: false }, regime: { hmm: true } });
    const a = await runBacktest(input);
    const b = await runBacktest(input);
    expect(b.decisions).toEqual(a.decisions);
    expect(b.trades).toEqual(a.trades);
    expect(b.learner).toEqual(a.learner);
    expect(a.decisions.every((d) => d.decider === "rule:synthesizer")).toBe(true);
  });

  it("keeps the books: final equity is the initial cash plus every trade's net PnL when flat", { timeout: 60_000 }, async () => {
    const input = shippedInput("4h", D(2023, 1), D(2023, 7), SINGLE("rsi-mean-reversion"));
    const r = await runBacktest(input);
    const open = Object.values(r.book.positions);
    const pnl = r.trades.reduce((a, t) => a + t.pnl, 0);
    if (open.length === 0) expect(r.book.cash).toBeCloseTo(10_000 + pnl, 6);
    expect(r.book.realizedPnl).toBeCloseTo(pnl, 6);
    expect(r.trades.length).toBeGreaterThan(0);
  });
});
