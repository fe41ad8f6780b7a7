import { describe, expect, it } from "vitest";
import { newAccountBook } from "../../../src/lib/account/ledger";
import { bookClose, bookEntryFilled } from "../../../src/lib/account/reactions";
import { reserveEntry } from "../../../src/lib/account/transitions";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { paperBroker } from "../../../src/lib/execution/brokers";
import { markRejected, newPosition, observePrice, requestExit, type PositionState } from "../../../src/lib/execution/position";
import { positionReports } from "../../../src/lib/execution/position-reports";
import { emptyLearnerState } from "../../../src/lib/learn/state";
import { outcomeOfClose, recordOutcome } from "../../../src/lib/learn/update";
import { AGENT_NAMES } from "../../../src/lib/agents/types";

const T0 = Date.UTC(2026, 2, 26, 12);
const paper = paperBroker(DEFAULT_CONFIG.paper);
const signals = { momentum: 0.6, sentiment: -0.2, not_an_agent: 1 };

function fresh(): PositionState {
  const p = newPosition(
    { id: "r-d1-BTC", portfolio: "r", symbol: "BTC/USDT", decisionId: "r-d1", agent: "rule", reason: "test", notional: 1_000, entryContext: { regimeKey: "bull_low", agentSignals: signals } as never },
    T0,
  );
  return paper.submit(p, T0);
}

/** One price through the paper broker and the safety layer, as the PositionActor and the backtester step it. */
const priced = (p: PositionState, price: number, at: number) => paper.submit(observePrice(paper.onPrice(p, price, at).state, price, at, DEFAULT_CONFIG.exits), at);

describe("a position's reports (src/lib/execution/position-reports.ts)", () => {
  it("reports the entry's fill once, the close once with its P&L, and a hard stop as a move for the gate", () => {
    const pending = fresh();
    const open = priced(pending, 100_000, T0 + 60_000);
    const filled = positionReports(pending, open, T0 + 60_000);
    expect(filled.entryFilled).toEqual({ positionId: "r-d1-BTC", symbol: "BTC/USDT", qty: open.qty, price: open.entryPrice, fee: open.entryFee, at: T0 + 60_000 });
    expect(filled.closed).toBeNull();
    // The same state again, or a price that changes nothing the engine books, reports nothing.
    expect(positionReports(open, open, T0 + 60_000)).toMatchObject({ entryFilled: null, entryFailed: null, closed: null, stop: null });
    expect(positionReports(open, priced(open, 100_100, T0 + 120_000), T0 + 120_000).entryFilled).toBeNull();

    // A fall through the hard stop: the exit order fills at the next price.
    const stopping = priced(open, 100_000 * (1 - DEFAULT_CONFIG.exits.hardStopPct) - 1, T0 + 180_000);
    expect(stopping.status).toBe("exiting");
    const closed = priced(stopping, 94_000, T0 + 240_000);
    const r = positionReports(stopping, closed, T0 + 240_000);
    const cost = open.qty * open.entryPrice;
    expect(r.closed).toMatchObject({
      positionId: "r-d1-BTC",
      exitKind: "hard_stop",
      closedAt: T0 + 240_000,
      proceeds: closed.qty * closed.exitPrice!,
      fees: closed.entryFee + closed.exitFee,
      regimeKey: "bull_low",
    });
    expect(r.closed!.pnl).toBeCloseTo(closed.qty * closed.exitPrice! - closed.exitFee - cost - open.entryFee, 9);
    expect(r.closed!.pnlPct).toBeCloseTo(r.closed!.pnl / (cost + open.entryFee), 12);
    expect(r.stop).toMatchObject({ symbol: "BTC/USDT", at: T0 + 240_000 });
  });

  it("reports an entry that never filled, so the account releases its reservation", () => {
    const pending = fresh();
    const failed = markRejected(pending, pending.orders[0]!.clientOrderId, "insufficient balance");
    expect(positionReports(pending, failed, T0).entryFailed).toEqual({ positionId: "r-d1-BTC", reason: expect.stringContaining("insufficient balance") });
  });

  it("books the round trip in the account and the learner the same way whoever applies the reports", () => {
    const pending = fresh();
    let book = reserveEntry(newAccountBook(10_000, T0), { id: pending.id, symbol: pending.symbol, notional: 1_000 }, T0);
    const open = priced(pending, 100_000, T0 + 60_000);
    const fill = positionReports(pending, open, T0 + 60_000).entryFilled!;
    book = bookEntryFilled(book, fill, DEFAULT_CONFIG.risk, T0 + 60_000);
    expect(bookEntryFilled(book, fill, DEFAULT_CONFIG.risk, T0 + 60_000)).toBe(book);
    const exiting = paper.submit(requestExit(open, "decision", "take profit", T0 + 120_000), T0 + 120_000);
    const closed = priced(exiting, 110_000, T0 + 180_000);
    const close = positionReports(exiting, closed, T0 + 180_000).closed!;
    book = bookClose(book, close, DEFAULT_CONFIG.risk, T0 + 180_000);
    expect(bookClose(book, close, DEFAULT_CONFIG.risk, T0 + 180_000)).toBe(book);
    expect(book.cash).toBeCloseTo(10_000 + close.pnl, 9);
    expect(close.pnl).toBeGreaterThan(0);

    // The learner credits the engine's agents that voted, and only them; a repeated close teaches nothing.
    const outcome = outcomeOfClose(close);
    expect(outcome).toEqual({ tradeId: "r-d1-BTC", regime: "bull_low", signals: { momentum: 0.6, sentiment: -0.2 }, pnlPct: close.pnlPct });
    const learner = recordOutcome(emptyLearnerState(AGENT_NAMES, DEFAULT_CONFIG.learn), outcome, DEFAULT_CONFIG.learn);
    expect(recordOutcome(learner, outcomeOfClose(close), DEFAULT_CONFIG.learn)).toBe(learner);
  });
});
