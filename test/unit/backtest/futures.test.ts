import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/lib/backtest/engine";
import type { BacktestInput, BacktestResult } from "../../../src/lib/backtest/types";
import { shippedInput, SINGLE } from "./fixtures";

const D = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);

/** BTC and ETH 4h over 2024 on the perpetual, RSI mean reversion both ways. */
function futuresRun(extra: Record<string, unknown> = {}): { input: BacktestInput; run: Promise<BacktestResult> } {
  const input = shippedInput("4h", D(2024, 1), D(2025, 1), { ...SINGLE("rsi-mean-reversion"), market: { type: "futures", leverage: 2 }, ...extra });
  delete input.candles["SOL/USDT"];
  return { input, run: runBacktest(input) };
}

describe("backtests on the perpetual: shorts, funding, liquidation", () => {
  it("fills every short's orders inside its candle's range, moved only by the slippage", async () => {
    const { input, run } = futuresRun();
    const r = await run;
    const shorts = r.trades.filter((t) => t.side === "short");
    expect(shorts.length).toBeGreaterThan(5);
    expect(r.trades.some((t) => t.side === "long")).toBe(true);
    const slip = input.config.paper.slippagePct;
    const shortIds = new Set(shorts.map((t) => t.id));
    const fills = r.fills.filter((f) => [...shortIds].some((id) => f.clientOrderId.startsWith(`${id}-`)));
    expect(fills.length).toBe(2 * shorts.length);
    for (const f of fills) {
      const candle = input.candles[f.symbol]!.find((c) => c.t === f.candleT)!;
      expect(f.marketPrice).toBeGreaterThanOrEqual(candle.l);
      expect(f.marketPrice).toBeLessThanOrEqual(candle.h);
      // A short's entry sells (gives up the slippage), its exit buys (pays it).
      expect(f.price).toBeCloseTo(f.side === "sell" ? f.marketPrice * (1 - slip) : f.marketPrice * (1 + slip), 6);
    }
  });

  it("settles funding at every shipped rate while a position is open: −side × rate × notional, in the trade's P&L", async () => {
    const { input, run } = futuresRun();
    const r = await run;
    expect(r.fundingPayments.length).toBeGreaterThan(20);
    for (const p of r.fundingPayments) {
      const shipped = input.funding![p.symbol]!.find((f) => f.at === p.at);
      expect(shipped?.value).toBe(p.rate);
      expect(p.notional).toBe(p.qty * p.markPrice);
      expect(p.amount).toBeCloseTo((p.side === "short" ? 1 : -1) * p.rate * p.notional, 10);
    }
    for (const t of r.trades) {
      const mine = r.fundingPayments.filter((p) => p.positionId === t.id);
      // Every settlement after the entry filled and before the exit, and no other (an entry filled at a settlement's
      // instant fills after it; an exit at that instant pays it only when the settlement came first).
      const due = input.funding![t.symbol]!.filter((f) => f.at > t.entryAt && f.at < t.exitAt);
      expect(mine.filter((p) => p.at < t.exitAt).map((p) => p.at)).toEqual(due.map((f) => f.at));
      expect(mine.every((p) => p.at > t.entryAt && p.at <= t.exitAt)).toBe(true);
      expect(t.funding).toBeCloseTo(
        mine.reduce((s, p) => s + p.amount, 0),
        9,
      );
      const entry = r.fills.find((f) => f.clientOrderId === `${t.id}-e`)!;
      const exit = r.fills.find((f) => f.clientOrderId.startsWith(`${t.id}-x`));
      if (!exit) continue; // liquidated: no exit fill
      const gross = t.side === "short" ? entry.qty * entry.price - exit.qty * exit.price : exit.qty * exit.price - entry.qty * entry.price;
      expect(t.pnl).toBeCloseTo(gross - entry.fee - exit.fee + t.funding!, 6);
    }
    // The book's realized P&L is the trades', funding included.
    expect(r.book.realizedPnl).toBeCloseTo(
      r.trades.reduce((s, t) => s + t.pnl, 0),
      6,
    );
  });

  it("books a liquidation once: at 20x with the stop inside the liquidation distance, a gap past both liquidates", async () => {
    const { run } = futuresRun({ market: { type: "futures", leverage: 20, maxLeverage: 20, liquidationBuffer: 1 }, exits: { hardStopPct: 0.04 } });
    const r = await run;
    const liquidated = r.trades.filter((t) => t.exitKind === "liquidation");
    expect(liquidated.length).toBeGreaterThan(0);
    for (const t of liquidated) {
      // The whole margin (notional / 20) and the entry fee: funding settled into the margin went with it.
      const notional = t.qty * t.entryPrice;
      expect(t.pnl).toBeCloseTo(-notional / 20 - notional * 0.001, 6);
    }
    expect(new Set(r.trades.map((t) => t.id)).size).toBe(r.trades.length);
    expect(r.book.closedCount).toBe(r.trades.length);
    expect(r.book.realizedPnl).toBeCloseTo(
      r.trades.reduce((s, t) => s + t.pnl, 0),
      6,
    );
  });

  it("leaves a spot run long only: the same strategy's SHORT signals only sell", async () => {
    const input = shippedInput("4h", D(2024, 1), D(2025, 1), SINGLE("rsi-mean-reversion"));
    const r = await runBacktest(input);
    expect(r.trades.every((t) => t.side === "long" && t.funding === undefined)).toBe(true);
    expect(r.fundingPayments).toEqual([]);
  });
});
