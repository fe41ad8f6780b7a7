import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { checkSafety } from "../../../src/lib/exits/safety";
import { paperFill } from "../../../src/lib/execution/paper-fill";
import { applyFill, markSubmitted, newPosition, observePrice, orderAwaitingFill, orderAwaitingSubmit, requestExit, type PositionState } from "../../../src/lib/execution/position";

const exits = DEFAULT_CONFIG.exits;
const paper = DEFAULT_CONFIG.paper;
const T0 = Date.UTC(2026, 2, 24, 4);

function opened(entry = 100): PositionState {
  let p = newPosition({ id: "main-d1-BTC", portfolio: "main", symbol: "BTC/USDT", decisionId: "main-d1", agent: "rule", reason: "test", notional: 3000 }, T0);
  p = markSubmitted(p, "main-d1-BTC-e", T0);
  const order = orderAwaitingFill(p)!;
  return observePrice(applyFill(p, order.clientOrderId, paperFill(order, entry, T0 + 1000, paper)), entry, T0 + 1000, exits);
}

describe("position lifecycle", () => {
  it("writes the entry intent with a deterministic client order id before submission", () => {
    const p = newPosition({ id: "main-d1-BTC", portfolio: "main", symbol: "BTC/USDT", decisionId: "main-d1", agent: "rule", reason: "r", notional: 3000 }, T0);
    expect(orderAwaitingSubmit(p)).toMatchObject({ clientOrderId: "main-d1-BTC-e", status: "intent", side: "buy", quoteQty: 3000 });
    expect(p.status).toBe("pending_entry");
  });

  it("fills a buy at the next price plus slippage, paying the taker fee", () => {
    const p = opened(100);
    expect(p.status).toBe("open");
    expect(p.entryPrice).toBeCloseTo(100 * 1.0005, 12);
    expect(p.qty).toBeCloseTo(3000 / 100.05, 12);
    expect(p.entryFee).toBeCloseTo(3000 * 0.001, 9);
  });

  it("a repeated fill of the same order changes nothing", () => {
    const p = opened();
    const again = applyFill(p, "main-d1-BTC-e", { price: 1, qty: 1, fee: 1, at: T0 + 5 });
    expect(again).toBe(p);
  });

  it("hard stop at -15% from entry writes the exit intent", () => {
    const p = opened(100);
    const still = observePrice(p, p.entryPrice * 0.8501, T0 + 2000, exits);
    expect(still.status).toBe("open");
    const hit = observePrice(p, p.entryPrice * 0.85, T0 + 2000, exits);
    expect(hit.status).toBe("exiting");
    expect(hit.exitKind).toBe("hard_stop");
    expect(orderAwaitingSubmit(hit)).toMatchObject({ clientOrderId: "main-d1-BTC-x", side: "sell", qty: p.qty });
  });

  it("trailing stop activates at +8% and exits 12% under the peak", () => {
    let p = opened(100);
    p = observePrice(p, p.entryPrice * 1.07, T0 + 2000, exits);
    p = observePrice(p, p.entryPrice * 1.07 * 0.87, T0 + 3000, exits);
    expect(p.status).toBe("open");
    p = observePrice(p, p.entryPrice * 1.1, T0 + 4000, exits);
    expect(p.peakPrice).toBeCloseTo(p.entryPrice * 1.1, 9);
    p = observePrice(p, p.peakPrice * 0.881, T0 + 5000, exits);
    expect(p.status).toBe("open");
    p = observePrice(p, p.peakPrice * 0.88, T0 + 6000, exits);
    expect(p.status).toBe("exiting");
    expect(p.exitKind).toBe("trailing_stop");
  });

  it("time stop after the maximum hold", () => {
    const p = opened(100);
    expect(observePrice(p, 100, T0 + 1000 + exits.maxHoldMs - 1, exits).status).toBe("open");
    expect(observePrice(p, 100, T0 + 1000 + exits.maxHoldMs, exits).exitKind).toBe("time_stop");
  });

  it("closes on the exit fill with net PnL after both fees", () => {
    let p = requestExit(opened(100), "decision", "sell signal", T0 + 2000);
    p = markSubmitted(p, "main-d1-BTC-x", T0 + 2000);
    const exit = orderAwaitingFill(p)!;
    const fill = paperFill(exit, 110, T0 + 3000, paper);
    p = applyFill(p, exit.clientOrderId, fill);
    expect(p.status).toBe("closed");
    expect(fill.price).toBeCloseTo(110 * 0.9995, 12);
    const expected = p.qty * 110 * 0.9995 * (1 - 0.001) - 3000 - 3;
    expect(p.pnl).toBeCloseTo(expected, 9);
  });

  it("an exit request on a position not yet open is ignored", () => {
    const p = newPosition({ id: "x", portfolio: "main", symbol: "BTC/USDT", decisionId: "d", agent: "a", reason: "r", notional: 100 }, T0);
    expect(requestExit(p, "decision", "sell", T0)).toBe(p);
  });

  it("ignores a price older than the last one seen", () => {
    const p = observePrice(opened(100), 101, T0 + 5000, exits);
    expect(observePrice(p, 50, T0 + 4000, exits)).toBe(p);
  });
});

describe("safety rules", () => {
  it("say nothing for a healthy position", () => {
    expect(checkSafety({ entryPrice: 100, peakPrice: 105, price: 104, openedAt: T0 }, T0 + 1000, exits)).toBeNull();
  });
});
