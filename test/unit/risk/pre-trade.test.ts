import { describe, expect, it } from "vitest";
import { newAccountBook } from "../../../src/lib/account/ledger";
import { applyEntryFill, markPrice, reserveEntry } from "../../../src/lib/account/transitions";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { checkEntry } from "../../../src/lib/risk/pre-trade";
import { updateTradingState } from "../../../src/lib/risk/trading-state";

const risk = DEFAULT_CONFIG.risk;
const T0 = Date.UTC(2026, 2, 24);
const req = (symbol = "BTC/USDT", positionPct = 0.3) => ({ symbol, positionPct, feeRate: 0.001 });

function bookWith(positions: { id: string; symbol: string; notional: number; price: number }[]) {
  let book = newAccountBook(10_000, T0);
  for (const p of positions) {
    book = reserveEntry(book, p, T0);
    book = applyEntryFill(book, { positionId: p.id, qty: p.notional / p.price, price: p.price, fee: 0, at: T0 });
  }
  return book;
}

describe("pre-trade checks", () => {
  it("sizes an entry at 30% of equity", () => {
    const r = checkEntry(newAccountBook(10_000, T0), req(), risk);
    expect(r).toEqual({ ok: true, notional: 3000, positionPct: 0.3, clamps: [] });
  });

  it("clamps a larger request to the max position and says so", () => {
    const r = checkEntry(newAccountBook(10_000, T0), req("BTC/USDT", 0.9), risk);
    expect(r.ok && r.notional).toBe(3000);
    expect(r.ok && r.clamps[0]).toBe("position_pct 0.9 clamped to max 0.3");
  });

  it("clamps to the room left under the 70% exposure cap", () => {
    const book = bookWith([
      { id: "a", symbol: "ETH/USDT", notional: 3000, price: 2000 },
      { id: "b", symbol: "SOL/USDT", notional: 3000, price: 100 },
    ]);
    const r = checkEntry(book, req(), risk);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.notional).toBeCloseTo(1000, 9);
      expect(r.clamps.join()).toContain("exposure room");
    }
  });

  it("denies when the room left is under the minimum notional", () => {
    const book = bookWith([
      { id: "a", symbol: "ETH/USDT", notional: 3000, price: 2000 },
      { id: "b", symbol: "SOL/USDT", notional: 3995, price: 100 },
    ]);
    const r = checkEntry(book, req(), risk);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^notional 5\.00 below minimum 10/);
  });

  it("denies a second position in the same symbol", () => {
    const r = checkEntry(bookWith([{ id: "a", symbol: "BTC/USDT", notional: 1000, price: 70000 }]), req(), risk);
    expect(r).toEqual({ ok: false, reason: "already holding BTC/USDT" });
  });

  it("denies beyond the maximum number of positions", () => {
    const book = bookWith([
      { id: "a", symbol: "ETH/USDT", notional: 100, price: 2000 },
      { id: "b", symbol: "SOL/USDT", notional: 100, price: 100 },
    ]);
    expect(checkEntry(book, req(), { ...risk, maxPositions: 2 })).toEqual({ ok: false, reason: "max positions reached (2/2)" });
  });

  it("denies entry when trading state is HALTED", () => {
    const book = { ...newAccountBook(10_000, T0), tradingState: "HALTED" as const, haltReason: "drawdown" };
    expect(checkEntry(book, req(), risk)).toEqual({ ok: false, reason: "trading is HALTED: drawdown" });
  });
});

describe("trading state", () => {
  it("halts on a 5% daily loss and resumes the next UTC day", () => {
    let book = bookWith([{ id: "a", symbol: "BTC/USDT", notional: 5000, price: 100 }]);
    book = markPrice(book, "BTC/USDT", 89.9);
    const halted = updateTradingState(book, risk, T0 + 3_600_000);
    expect(halted.tradingState).toBe("HALTED");
    expect(halted.haltReason).toBe("daily loss 5.05% >= limit 5.00%");
    const nextDay = updateTradingState(halted, risk, T0 + 86_400_000 + 1);
    expect(nextDay.tradingState).toBe("ACTIVE");
    expect(nextDay.dayStartEquity).toBeCloseTo(9495, 6);
  });

  it("stays ACTIVE at a 4.99% daily loss", () => {
    const book = markPrice(bookWith([{ id: "a", symbol: "BTC/USDT", notional: 5000, price: 100 }]), "BTC/USDT", 90.02);
    expect(updateTradingState(book, risk, T0 + 1).tradingState).toBe("ACTIVE");
  });

  it("halts on a 12% drawdown from the peak, across days, until resumed", () => {
    let book = bookWith([{ id: "a", symbol: "BTC/USDT", notional: 7000, price: 100 }]);
    book = updateTradingState(markPrice(book, "BTC/USDT", 130), risk, T0 + 1); // equity 12100 peak
    expect(book.peakEquity).toBeCloseTo(12_100, 9);
    let t = T0;
    for (const price of [126, 122, 118, 115]) {
      t += 86_400_000;
      book = updateTradingState(markPrice(book, "BTC/USDT", price), risk, t);
    }
    // equity 3000 + 70*115 = 11050: 8.7% from peak
    expect(book.tradingState).toBe("ACTIVE");
    book = updateTradingState(markPrice(book, "BTC/USDT", 109), risk, t + 86_400_000); // 10630: 12.15%
    expect(book.tradingState).toBe("HALTED");
    expect(book.haltReason).toMatch(/^drawdown 12\.15% from peak/);
    expect(updateTradingState(book, risk, t + 3 * 86_400_000).tradingState).toBe("HALTED");
  });
});
