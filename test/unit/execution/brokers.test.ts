import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { exchangeBroker, paperBroker } from "../../../src/lib/execution/brokers";
import { markSent } from "../../../src/lib/execution/exchange-orders";
import { newPosition, requestExit, type PositionState } from "../../../src/lib/execution/position";

const T0 = Date.UTC(2026, 2, 26, 10);
const paper = paperBroker(DEFAULT_CONFIG.paper);
const exchange = exchangeBroker(DEFAULT_CONFIG.exits, DEFAULT_CONFIG.execution.protection);

function fresh(): PositionState {
  return newPosition({ id: "b-d1-BTC", portfolio: "b", symbol: "BTC/USDT", decisionId: "b-d1", agent: "t", reason: "r", notional: 1_000 }, T0);
}

describe("the paper broker", () => {
  it("works an intent at once and fills it at the next price with slippage and the taker fee", () => {
    const submitted = paper.submit(fresh(), T0);
    expect(submitted.orders[0]).toMatchObject({ status: "submitted", submittedAt: T0 });
    expect(paper.awaitsPrice(submitted)).toBe(true);
    const { state, filled } = paper.onPrice(submitted, 100_000, T0 + 60_000);
    const price = 100_000 * (1 + DEFAULT_CONFIG.paper.slippagePct);
    expect(filled).toMatchObject({ order: { clientOrderId: "b-d1-BTC-e" }, fill: { price, qty: 1_000 / price, at: T0 + 60_000 } });
    expect(filled!.fill.fee).toBeCloseTo(1_000 * DEFAULT_CONFIG.paper.takerFee, 9);
    expect(state).toMatchObject({ status: "open", entryPrice: price, openedAt: T0 + 60_000 });
    // Nothing waits any more: the next price fills nothing.
    expect(paper.onPrice(state, 101_000, T0 + 120_000).filled).toBeNull();
    expect(paper.needsIo(state)).toBe(false);
  });

  it("an exit sells the whole quantity at the next price; cancelAll leaves an unfilled exit's position open", () => {
    const open = paper.onPrice(paper.submit(fresh(), T0), 100_000, T0 + 1).state;
    const exiting = paper.submit(requestExit(open, "decision", "test", T0 + 2), T0 + 2);
    expect(paper.cancelAll(exiting, "kill").status).toBe("open");
    const closed = paper.onPrice(exiting, 110_000, T0 + 3).state;
    expect(closed.status).toBe("closed");
    expect(closed.orders[1]).toMatchObject({ status: "filled", filledQty: open.qty });
  });
});

describe("the exchange broker's pure side", () => {
  it("never fills at a price: intents and fills go through the exchange's I/O and reports", () => {
    const intent = exchange.submit(fresh(), T0);
    expect(intent.orders[0]!.status).toBe("intent");
    expect(exchange.needsIo(intent)).toBe(true);
    expect(exchange.awaitsPrice(intent)).toBe(false);
    const sent = markSent(intent, "b-d1-BTC-e", T0);
    expect(exchange.onPrice(sent, 100_000, T0 + 1)).toEqual({ state: sent, filled: null });
  });

  it("cancelAll holds the position and asks the exchange to cancel, instead of deciding the outcome itself", () => {
    const sent = markSent(exchange.submit(fresh(), T0), "b-d1-BTC-e", T0);
    const held = exchange.cancelAll(sent, "kill");
    expect(held.hold).toBe("kill");
    expect(held.status).toBe("pending_entry");
    expect(held.orders[0]).toMatchObject({ status: "sent", cancelRequested: true });
  });
});
