import { describe, expect, it } from "vitest";
import { applyBrokerReport, markSent, type BrokerReport } from "../../../src/lib/execution/exchange-orders";
import { newPosition, type PositionState } from "../../../src/lib/execution/position";
import { applyVenueFunding, closeByVenue, venueFundingDue } from "../../../src/lib/execution/venue-futures";
import { positionReports } from "../../../src/lib/execution/position-reports";
import { bookFunding } from "../../../src/lib/account/reactions";
import { newAccountBook } from "../../../src/lib/account/ledger";

const T0 = Date.UTC(2026, 2, 28, 7, 40);
const H8 = Date.UTC(2026, 2, 28, 8);
const CFG = { notFoundGraceMs: 15_000, dustNotional: 5 };

function short(): PositionState {
  const p = newPosition(
    { id: "v-d1-ETH", portfolio: "v", symbol: "ETH/USDT", decisionId: "v-d1", agent: "t", reason: "r", notional: 2_000, futures: { side: "short", leverage: 50, maintenanceMarginRate: 0.004 } },
    T0,
  );
  const filled: BrokerReport = {
    kind: "order",
    order: { exchangeOrderId: "1", status: "FILLED", executedQty: 1, fills: [{ tradeId: "1", qty: 1, price: 2_000, fee: 1, feeAsset: "USDT", at: T0 + 1_000 }], at: T0 },
  };
  return applyBrokerReport(markSent(p, "v-d1-ETH-e", T0), "v-d1-ETH-e", filled, T0 + 1_000, { base: "ETH", quote: "USDT" }, CFG);
}

/** The short, bought back in full at 1,990 (fee 1) by our exit order filled at `at`. */
function shortClosedAt(at: number): PositionState {
  const p = short();
  const exit: BrokerReport = {
    kind: "order",
    order: { exchangeOrderId: "2", status: "FILLED", executedQty: 1, fills: [{ tradeId: "2", qty: 1, price: 1_990, fee: 1, feeAsset: "USDT", at }], at: H8 },
  };
  const exiting: PositionState = {
    ...p,
    status: "exiting",
    orders: [...p.orders, { ...p.orders[0]!, clientOrderId: "v-d1-ETH-x", purpose: "exit", side: "buy", status: "sent", quoteQty: null, qty: 1, fills: [] }],
  };
  return applyBrokerReport(exiting, "v-d1-ETH-x", exit, at, { base: "ETH", quote: "USDT" }, CFG);
}

describe("what the venue did to a perpetual (src/lib/execution/venue-futures.ts)", () => {
  it("takes each settlement as the venue booked it, once, with the ticker's rate and the mark the amount implies", () => {
    const points = [{ at: H8, value: 0.0001 }];
    const p = short();
    expect(venueFundingDue(p, points, H8 - 1)).toBe(false);
    expect(venueFundingDue(p, points, H8)).toBe(true);
    // Not booked yet: nothing changes, and it stays due.
    expect(applyVenueFunding(p, [], points, H8 + 5_000)).toBe(p);
    const paid = applyVenueFunding(p, [{ at: H8, amount: 0.2004 }], points, H8 + 5_000);
    expect(paid).toMatchObject({ funding: 0.2004, lastFundingAt: H8 });
    expect(paid.fundingPayments).toEqual([{ at: H8, rate: 0.0001, markPrice: expect.closeTo(2_004, 9), markAt: H8, amount: 0.2004 }]);
    expect(venueFundingDue(paid, points, H8 + 5_000)).toBe(false);
    expect(applyVenueFunding(paid, [{ at: H8, amount: 0.2004 }], points, H8 + 60_000)).toBe(paid);
  });

  it("passes over a settlement the venue never booked once its grace is over (nothing was owed)", () => {
    const points = [{ at: H8, value: 0 }];
    const p = short();
    expect(applyVenueFunding(p, [], points, H8 + 60_000, 600_000)).toBe(p);
    const passed = applyVenueFunding(p, [], points, H8 + 600_000, 600_000);
    expect(passed).toMatchObject({ funding: 0, lastFundingAt: H8, fundingPayments: [] });
    expect(venueFundingDue(passed, points, H8 + 600_000)).toBe(false);
  });

  it("a liquidation by the venue closes the short at its price with the venue's P&L; our resting stop is cancelled there", () => {
    let p = short();
    p = { ...p, orders: [...p.orders, { ...p.orders[0]!, clientOrderId: "v-d1-ETH-s1", purpose: "stop", type: "stop_market", side: "buy", status: "submitted", fills: [] }] };
    const margin = 2_000 / 50;
    const closed = closeByVenue(p, { kind: "liquidation", fills: [{ tradeId: "9", qty: 1, price: 2_031.87, fee: 0, feeAsset: "USDT", at: H8 }], realizedPnl: -margin });
    expect(closed).toMatchObject({ status: "closed", exitKind: "liquidation", exitPrice: 2_031.87, closedAt: H8 });
    // The venue's realized loss (the whole margin) with the entry's fee: as its wallet moved.
    expect(closed.pnl).toBeCloseTo(-margin - 1, 9);
    expect(closed.orders.find((o) => o.clientOrderId === "v-d1-ETH-s1")).toMatchObject({ status: "submitted", cancelRequested: true });
    expect(closeByVenue(closed, { kind: "liquidation", fills: [{ tradeId: "9", qty: 1, price: 2_031.87, fee: 0, feeAsset: "USDT", at: H8 }], realizedPnl: -margin })).toBe(closed);
  });

  it("a settlement the venue booked just after the position closed here: the close's funding and P&L take it, the account's cash once", () => {
    const closed = shortClosedAt(H8 + 3_000);
    expect(closed.status).toBe("closed");
    expect(closed.pnl).toBeCloseTo(10 - 2, 9);
    // Booked by the venue at the settlement (before the close), heard of after it; a later one is not the position's.
    const late = applyVenueFunding(
      closed,
      [
        { at: H8, amount: 0.2 },
        { at: H8 + 8 * 3_600_000, amount: 0.5 },
      ],
      [],
      H8 + 60_000,
    );
    expect(late).toMatchObject({ funding: 0.2, lastFundingAt: H8 });
    expect(late.pnl).toBeCloseTo(8.2, 9);
    expect(applyVenueFunding(late, [{ at: H8, amount: 0.2 }], [], H8 + 120_000)).toBe(late);
    const report = positionReports(closed, late, H8 + 60_000).funding!;
    expect(report).toMatchObject({ positionId: "v-d1-ETH", amount: 0.2, total: 0.2, at: H8, afterClose: true });
    const book = newAccountBook(10_000, T0);
    const once = bookFunding(book, report);
    expect(once.cash).toBeCloseTo(10_000.2, 9);
    expect(bookFunding(once, report)).toBe(once);
  });

  it("a settlement before the close whose income the venue stamped a moment after the close is still the position's", () => {
    const closed = shortClosedAt(H8 + 500);
    const late = applyVenueFunding(closed, [{ at: H8 + 1_500, amount: 0.2 }], [{ at: H8, value: 0.0001 }], H8 + 60_000);
    expect(late.funding).toBe(0.2);
    // Without the ticker's settlement to say when it was, an income stamped after the close is not taken for it.
    expect(applyVenueFunding(closed, [{ at: H8 + 1_500, amount: 0.2 }], [], H8 + 60_000)).toBe(closed);
  });
});
