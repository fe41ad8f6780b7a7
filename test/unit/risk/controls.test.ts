import { describe, expect, it } from "vitest";
import { acceptEntry } from "../../../src/lib/account/accept-entry";
import { newAccountBook, type AccountBook } from "../../../src/lib/account/ledger";
import { applyClose, applyEntryFill, markPrice, reserveEntry } from "../../../src/lib/account/transitions";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { controlRefusal, engageKill, enterReducing, pauseEntries, resumable, tradingStateOf } from "../../../src/lib/risk/controls";
import { resumeTrading, updateTradingState } from "../../../src/lib/risk/trading-state";

const T0 = Date.UTC(2026, 2, 24);
const DAY = 86_400_000;
const cfg = DEFAULT_CONFIG;
const buy = (decisionId: string, symbol = "BTC/USDT") => ({ decisionId, symbol, positionPct: 0.3 });

function openBook(): AccountBook {
  let book = reserveEntry(newAccountBook(10_000, T0), { id: "p1", symbol: "ETH/USDT", notional: 3000 }, T0);
  book = applyEntryFill(book, { positionId: "p1", qty: 1.5, price: 2000, fee: 0, at: T0 });
  return book;
}

describe("operator controls in the book", () => {
  it("a fresh book is ACTIVE with no controls, and accepts an entry", () => {
    const book = newAccountBook(10_000, T0);
    expect(tradingStateOf(book)).toBe("ACTIVE");
    expect(controlRefusal(book)).toBeNull();
    expect(acceptEntry(book, buy("d1"), cfg, T0).accepted).toBe(true);
  });

  it("given a paused book, when an entry comes, then it is refused with who and why; resume lets the next one in", () => {
    const paused = pauseEntries(newAccountBook(10_000, T0), { by: "alice", reason: "news at 14:00" }, T0);
    const refused = acceptEntry(paused, buy("d1"), cfg, T0 + 1);
    expect(refused).toMatchObject({ accepted: false, detail: "risk denied: entries paused by alice: news at 14:00" });
    expect(refused.book.positions).toEqual({});
    // A second pause keeps the first (who and since when).
    expect(pauseEntries(paused, { by: "bob", reason: "again" }, T0 + 5)).toBe(paused);
    const resumed = resumeTrading(paused);
    expect(controlRefusal(resumed)).toBeNull();
    expect(acceptEntry(resumed, buy("d2"), cfg, T0 + 2)).toMatchObject({ accepted: true, positionId: "d2-BTC" });
  });

  it("given the kill switch, entries are refused across days and only a resume clears it", () => {
    let book = engageKill(openBook(), { by: "ops", reason: "exchange incident", flatten: false }, T0);
    expect(book.controls?.kill).toEqual({ by: "ops", reason: "exchange incident", at: T0, flatten: false });
    // Rolling the trading state (a new day, a pause on top) does not clear it.
    book = updateTradingState(book, cfg.risk, T0 + 3 * DAY);
    book = pauseEntries(book, { by: "bob", reason: "also paused" }, T0 + 3 * DAY);
    const refused = acceptEntry(book, buy("d1"), cfg, T0 + 3 * DAY);
    expect(refused).toMatchObject({ accepted: false, detail: "risk denied: kill switch engaged by ops: exchange incident" });
    // A later kill that asks to flatten marks the engaged switch flattened and keeps its origin.
    const flattened = engageKill(book, { by: "carol", reason: "flatten now", flatten: true }, T0 + 4 * DAY);
    expect(flattened.controls?.kill).toEqual({ by: "ops", reason: "exchange incident", at: T0, flatten: true });
    expect(engageKill(flattened, { by: "x", reason: "again", flatten: false }, T0)).toBe(flattened);
    const resumed = resumeTrading(flattened);
    expect(resumed.controls).toEqual({ paused: null, kill: null, reducing: null });
    expect(acceptEntry(resumed, buy("d2"), cfg, T0 + 4 * DAY).accepted).toBe(true);
  });

  it("given REDUCING, entries are refused with the reason and exits (closes) are still booked", () => {
    const book = enterReducing(openBook(), "exchange holds 0.9 ETH, book 1.5", { symbol: "ETH/USDT", exchange: 0.9, book: 1.5 }, T0);
    expect(tradingStateOf(book)).toBe("REDUCING");
    expect(enterReducing(book, "another difference", null, T0 + 1)).toBe(book);
    expect(acceptEntry(book, buy("d1"), cfg, T0 + 1)).toMatchObject({ accepted: false, detail: "risk denied: trading is REDUCING (exits only): exchange holds 0.9 ETH, book 1.5" });
    const closed = applyClose(book, { positionId: "p1", exitPrice: 2100, proceeds: 3150, exitFee: 3.15, pnl: 146.85, at: T0 + 2, exitKind: "operator" });
    expect(closed.positions).toEqual({});
    expect(closed.cash).toBeCloseTo(10_000 + 146.85, 9);
    expect(tradingStateOf(closed)).toBe("REDUCING");
    // Rolling the state never leaves REDUCING; the operator's resume does.
    expect(tradingStateOf(updateTradingState(closed, cfg.risk, T0 + 5 * DAY))).toBe("REDUCING");
    expect(tradingStateOf(resumeTrading(closed))).toBe("ACTIVE");
  });

  it("HALTED outranks REDUCING, and a resume leaves both", () => {
    let book = enterReducing(openBook(), "unclear difference", null, T0);
    book = updateTradingState(markPrice(book, "ETH/USDT", 1000), cfg.risk, T0 + 1); // equity 8500: 15% down
    expect(tradingStateOf(book)).toBe("HALTED");
    expect(resumable(book)).toEqual(["REDUCING (unclear difference)", `HALTED (${book.haltReason})`]);
    const resumed = resumeTrading(book);
    expect(tradingStateOf(resumed)).toBe("ACTIVE");
    expect(resumable(resumed)).toEqual([]);
  });

  it("a resume after a drawdown halt re-bases the peak, so the next check does not halt again", () => {
    // The next day the equity is 8500: no daily loss (the day starts there), 15% under the 10000 peak.
    let book = updateTradingState(markPrice(openBook(), "ETH/USDT", 1000), cfg.risk, T0 + DAY + 1);
    expect(book.tradingState).toBe("HALTED");
    expect(book.haltReason).toMatch(/^drawdown 15\.00% from peak/);
    expect(acceptEntry(book, buy("d0"), cfg, T0 + 2 * DAY)).toMatchObject({ accepted: false, detail: `risk denied: trading is HALTED: ${book.haltReason}` });
    book = resumeTrading(book);
    expect(book).toMatchObject({ tradingState: "ACTIVE", haltReason: null, peakEquity: 8500, dayStartEquity: 8500 });
    expect(updateTradingState(book, cfg.risk, T0 + 2 * DAY).tradingState).toBe("ACTIVE");
    expect(acceptEntry(book, buy("d1"), cfg, T0 + 2 * DAY).accepted).toBe(true);
  });

  it("a resume after a daily-loss halt re-bases the day start, so the same day's loss does not halt again", () => {
    let book = updateTradingState(markPrice(openBook(), "ETH/USDT", 1000), cfg.risk, T0 + 1);
    expect(book.haltReason).toMatch(/^daily loss 15\.00%/);
    book = resumeTrading(book);
    expect(book.dayStartEquity).toBe(8500);
    expect(updateTradingState(book, cfg.risk, T0 + 2).tradingState).toBe("ACTIVE");
  });

  it("resume of a book with nothing to clear returns the same book", () => {
    const book = openBook();
    expect(resumeTrading(book)).toBe(book);
  });
});
