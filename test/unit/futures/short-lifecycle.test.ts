import { describe, expect, it } from "vitest";
import { equity, newAccountBook, type AccountBook } from "../../../src/lib/account/ledger";
import { bookClose, bookEntryFilled, bookFunding, entryRequested } from "../../../src/lib/account/reactions";
import { markPrice } from "../../../src/lib/account/transitions";
import { EngineConfigSchema } from "../../../src/lib/config";
import { paperBroker, pricePosition } from "../../../src/lib/execution/brokers";
import { newPosition, positionLiquidationPrice, requestExit, settleFunding, type PositionState } from "../../../src/lib/execution/position";
import { positionReports } from "../../../src/lib/execution/position-reports";

const T0 = Date.UTC(2024, 0, 1, 4);
const H = 3_600_000;
const cfg = EngineConfigSchema.parse({ market: { type: "futures", leverage: 3 }, risk: { maxPositionPct: 0.5 } });
const broker = paperBroker(cfg.paper);

/** One step of a position, reported to the book as the PositionActor mails it. */
function step(book: AccountBook, before: PositionState, after: PositionState, now: number): AccountBook {
  const r = positionReports(before, after, now);
  if (r.funding) book = bookFunding(book, r.funding);
  if (r.entryFilled) book = bookEntryFilled(book, r.entryFilled, cfg.risk, now);
  if (r.closed) book = bookClose(book, r.closed, cfg.risk, now);
  return book;
}

function openShort(price: number, pct = 0.5) {
  let book = newAccountBook(10_000, T0);
  const e = entryRequested(book, { decisionId: "d1", at: T0, symbol: "BTC/USDT", positionPct: pct, agent: "rule", reason: "overbought", side: "short" }, "main", cfg, T0);
  expect(e.result).toMatchObject({ accepted: true });
  book = e.book;
  let pos = broker.submit(newPosition(e.opens[0]!, T0), T0);
  const filled = pricePosition(broker, pos, price, T0 + 1, cfg.exits);
  book = step(book, pos, filled.state, T0 + 1);
  pos = broker.submit(filled.state, T0 + 1);
  return { book, pos, fill: filled.filled!.fill };
}

describe("a short on the perpetual, through the paper broker and the book", () => {
  it("sells its notional at the price less slippage, posts notional / leverage as margin, and shows its side", () => {
    const { book, pos, fill } = openShort(40_000);
    expect(pos).toMatchObject({ status: "open", side: "short", venue: "futures", leverage: 3 });
    expect(pos.orders[0]).toMatchObject({ side: "sell", quoteQty: 5_000 });
    expect(fill.price).toBeCloseTo(40_000 * (1 - cfg.paper.slippagePct), 9);
    expect(fill.qty * fill.price).toBeCloseTo(5_000, 9);
    // Cash keeps what is free: the margin and the fee left it.
    expect(book.cash).toBeCloseTo(10_000 - 5_000 / 3 - fill.fee, 9);
    expect(equity(book)).toBeCloseTo(10_000 - fill.fee, 9);
    // 3x isolated: liquidated about a third above the entry.
    expect(positionLiquidationPrice(pos)!).toBeCloseTo((fill.price * (1 + 1 / 3)) / (1 + cfg.market.maintenanceMarginRate), 6);
  });

  it("closes with P&L = cost − proceeds − both fees + funding, and the book's cash and equity agree with it", () => {
    let { book, pos, fill } = openShort(40_000);
    // Two settlements: a positive rate (the short receives), then a negative one (it pays), marked at the price then.
    const settlements = [
      { at: T0 + 4 * H, rate: 0.0003, mark: 39_000 },
      { at: T0 + 12 * H, rate: -0.0001, mark: 38_000 },
    ];
    for (const s of settlements) {
      const r = settleFunding(pos, s.rate, s.mark, s.at);
      book = step(book, pos, r.state, s.at);
      pos = r.state;
      // The same settlement again (a retried mail, a restarted actor): nothing moves.
      expect(settleFunding(pos, s.rate, s.mark, s.at).state).toBe(pos);
    }
    const funding = fill.qty * (39_000 * 0.0003 - 38_000 * 0.0001);
    expect(pos.funding).toBeCloseTo(funding, 9);
    book = markPrice(book, "BTC/USDT", 38_000);
    const before = equity(book);
    const exiting = broker.submit(requestExit(pos, "decision", "RSI back below 50", T0 + 20 * H), T0 + 20 * H);
    expect(exiting.orders[1]).toMatchObject({ side: "buy", qty: fill.qty, reduceOnly: true });
    const closed = pricePosition(broker, exiting, 38_000, T0 + 20 * H + 1, cfg.exits);
    book = step(book, exiting, closed.state, T0 + 20 * H + 1);
    const exit = closed.filled!.fill;
    expect(exit.price).toBeCloseTo(38_000 * (1 + cfg.paper.slippagePct), 9);
    const hand = fill.qty * fill.price - exit.qty * exit.price - fill.fee - exit.fee + funding;
    expect(closed.state.pnl).toBeCloseTo(hand, 9);
    expect(book.realizedPnl).toBeCloseTo(hand, 9);
    expect(book.cash).toBeCloseTo(10_000 + hand, 9);
    expect(Object.keys(book.positions)).toEqual([]);
    // Marked at 38,000 before the exit: the close took the slippage and the exit fee, nothing else.
    expect(before - book.cash).toBeCloseTo(exit.qty * (exit.price - 38_000) + exit.fee, 9);
  });

  it("is liquidated once when the price reaches its liquidation price: the whole margin is lost, booked once", () => {
    let { book, pos, fill } = openShort(40_000);
    const lp = positionLiquidationPrice(pos)!;
    // Just under it the venue leaves the position alone (the 15 % hard stop has asked for the exit by then).
    expect(pricePosition(broker, pos, lp * 0.999, T0 + H, cfg.exits).state.status).toBe("exiting");
    // A gap past it in one price: the venue liquidates before any exit could fill.
    const liquidated = pricePosition(broker, pos, lp * 1.01, T0 + 2 * H, cfg.exits);
    expect(liquidated.state).toMatchObject({ status: "closed", exitKind: "liquidation" });
    expect(liquidated.state.exitPrice).toBeCloseTo(lp, 9);
    const margin = (fill.qty * fill.price) / 3;
    expect(liquidated.state.pnl).toBeCloseTo(-margin - fill.fee, 6);
    book = step(book, pos, liquidated.state, T0 + 2 * H);
    const afterOnce = book;
    expect(book.realizedPnl).toBeCloseTo(-margin - fill.fee, 6);
    expect(book.cash).toBeCloseTo(10_000 - margin - fill.fee, 6);
    expect(book.closedCount).toBe(1);
    // Later prices, and the same report again, change nothing.
    const later = pricePosition(broker, liquidated.state, lp * 1.2, T0 + 3 * H, cfg.exits);
    expect(later.state.status).toBe("closed");
    expect(later.state.pnl).toBe(liquidated.state.pnl);
    expect(step(book, pos, liquidated.state, T0 + 3 * H)).toBe(afterOnce);
  });

  it("never loses more than its margin: a gap past the liquidation price while an exit waits is a liquidation, and it stops entries like a stop", () => {
    const stopsCfg = EngineConfigSchema.parse({ market: { type: "futures", leverage: 3 }, risk: { maxPositionPct: 0.5, stopCooldownMs: 3_600_000 } });
    let { book, pos, fill } = openShort(40_000);
    // The hard stop asks for the exit at +15 %; before it fills, the price jumps to +60 % (past the ~+33 % liquidation).
    const stopped = broker.submit(pricePosition(broker, pos, 46_500, T0 + H, cfg.exits).state, T0 + H);
    expect(stopped.status).toBe("exiting");
    const gap = pricePosition(broker, stopped, 64_000, T0 + 2 * H, cfg.exits);
    expect(gap.filled).toBeNull();
    expect(gap.state).toMatchObject({ status: "closed", exitKind: "liquidation" });
    const margin = (fill.qty * fill.price) / 3;
    expect(gap.state.pnl).toBeCloseTo(-margin - fill.fee, 6);
    expect(gap.state.orders.find((o) => o.purpose === "exit")!.status).toBe("cancelled");
    const r = positionReports(stopped, gap.state, T0 + 2 * H);
    expect(r.stop).toMatchObject({ symbol: "BTC/USDT", kind: "stop" });
    book = bookClose(book, r.closed!, stopsCfg.risk, T0 + 2 * H);
    expect(book.protections?.symbolCooldowns["BTC/USDT"]?.until).toBe(T0 + 3 * H);
    void pos;
  });

  it("refuses a short on a spot market, and an entry whose liquidation comes before twice its stop", () => {
    const spot = EngineConfigSchema.parse({});
    const book = newAccountBook(10_000, T0);
    const req = { decisionId: "d1", at: T0, symbol: "BTC/USDT", positionPct: 0.3, agent: "rule", reason: "r", side: "short" as const };
    expect(entryRequested(book, req, "main", spot, T0).result.detail).toMatch(/^risk denied: shorts need market.type futures/);
    const tight = EngineConfigSchema.parse({ market: { type: "futures", leverage: 5 } });
    // 5x: liquidation ~19.6 % away, nearer than 2 × the 15 % hard stop.
    expect(entryRequested(book, req, "main", tight, T0).result.detail).toMatch(/^risk denied: liquidation 19\.\d+% from entry at 5x is nearer than 2 × the 15\.00% stop/);
    const tighterStop = EngineConfigSchema.parse({ market: { type: "futures", leverage: 5 }, exits: { hardStopPct: 0.05 } });
    expect(entryRequested(book, req, "main", tighterStop, T0).result.accepted).toBe(true);
  });
});
