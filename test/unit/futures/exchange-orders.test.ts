import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { applyBrokerReport, markSent, orderCommands, type BrokerReport } from "../../../src/lib/execution/exchange-orders";
import type { OrderFill } from "../../../src/lib/execution/order";
import { newPosition, observePrice, requestExit, settleFunding, type PositionState } from "../../../src/lib/execution/position";
import { planProtection, protectiveStopPrice } from "../../../src/lib/execution/protective-stop";
import { reconcile, type ReconcileInput } from "../../../src/lib/execution/reconcile";

/**
 * A USD-M perpetual through the exchange broker's pure side: the entry carries its leverage, fills come from the venue's
 * reports (commissions in USDT), a short's protective stop is a reduce-only stop-market buy above it, its exit a
 * reduce-only buy, and the close is booked on its side with its funding.
 */
const T0 = Date.UTC(2025, 5, 4, 12);
const ASSETS = { base: "ETH", quote: "USDT" };
const CFG = { notFoundGraceMs: 15_000, dustNotional: 5 };
const EXITS = { ...DEFAULT_CONFIG.exits, hardStopPct: 0.05, trailActivationPct: 0.02, trailPct: 0.01 };
const PROTECT = DEFAULT_CONFIG.execution.protection;

const fill = (tradeId: string, qty: number, price: number, at = T0 + 1_000): OrderFill => ({ tradeId, qty, price, fee: qty * price * 0.0005, feeAsset: "USDT", at });
const filled = (fills: OrderFill[]): BrokerReport => ({ kind: "order", order: { exchangeOrderId: "7", status: "FILLED", executedQty: fills.reduce((a, f) => a + f.qty, 0), fills, at: T0 } });
const apply = (p: PositionState, cid: string, r: BrokerReport, now = T0 + 1_000) => applyBrokerReport(p, cid, r, now, ASSETS, CFG);

function short(group?: string): PositionState {
  const p = newPosition(
    {
      id: "f-d1-ETH",
      portfolio: "f",
      symbol: "ETH/USDT",
      decisionId: "f-d1",
      agent: "t",
      reason: "r",
      notional: 500,
      futures: { side: "short", leverage: 3, maintenanceMarginRate: 0.004 },
      ...(group ? { group } : {}),
    },
    T0,
  );
  return apply(markSent(p, "f-d1-ETH-e", T0), "f-d1-ETH-e", filled([fill("1", 0.1, 2_500), fill("2", 0.1, 2_502)]));
}

describe("futures through the exchange broker (pure side)", () => {
  it("the entry sells its notional with the position's leverage; the venue's fills open the short, fees in USDT", () => {
    const p = short();
    expect(p.orders[0]).toMatchObject({ side: "sell", quoteQty: 500, leverage: 3, purpose: "entry" });
    expect(p).toMatchObject({ status: "open", side: "short", venue: "futures", qty: 0.2 });
    expect(p.entryPrice).toBeCloseTo(2_501, 9);
    expect(p.entryFee).toBeCloseTo(0.2 * 2_501 * 0.0005, 9);
  });

  it("rests a reduce-only stop-market buy above a short at its hard stop, and lowers it as the trail follows the price down", () => {
    let p = planProtection(short(), T0 + 2_000, EXITS, PROTECT);
    const stop = p.orders.find((o) => o.purpose === "stop")!;
    expect(stop).toMatchObject({ type: "stop_market", side: "buy", reduceOnly: true, qty: 0.2, limitPrice: null, clientOrderId: "f-d1-ETH-s1" });
    expect(stop.stopPrice).toBeCloseTo(2_501 * 1.05, 9);
    p = apply(markSent(p, stop.clientOrderId, T0 + 2_000), stop.clientOrderId, { kind: "order", order: { exchangeOrderId: "1000001", status: "NEW", executedQty: 0, fills: [], at: T0 } });
    // 3 % in the short's favour: the trail (1 % above the low) is active and far below the hard stop: the stop is replaced.
    p = observePrice(p, 2_501 * 0.97, T0 + 60_000, EXITS);
    expect(protectiveStopPrice(p, EXITS)).toBeCloseTo(2_501 * 0.97 * 1.01, 9);
    p = planProtection(p, T0 + 60_000, EXITS, PROTECT);
    expect(p.orders.find((o) => o.clientOrderId === "f-d1-ETH-s1")!.cancelRequested).toBe(true);
  });

  it("a carry's leg has no protective stop of its own (it answers to its group)", () => {
    const p = planProtection(short("g1"), T0 + 2_000, EXITS, PROTECT);
    expect(p.orders.filter((o) => o.purpose === "stop")).toEqual([]);
  });

  it("exits with a reduce-only buy after the stop is cancelled, and books the short's P&L with its fees and funding", () => {
    let p = planProtection(short(), T0 + 2_000, EXITS, PROTECT);
    p = apply(markSent(p, "f-d1-ETH-s1", T0 + 2_000), "f-d1-ETH-s1", { kind: "order", order: { exchangeOrderId: "1000001", status: "NEW", executedQty: 0, fills: [], at: T0 } });
    p = settleFunding(p, 0.0001, 2_490, T0 + 4 * 3_600_000).state;
    p = planProtection(requestExit(p, "decision", "cover", T0 + 5 * 3_600_000), T0 + 5 * 3_600_000, EXITS, PROTECT);
    const exit = p.orders.find((o) => o.purpose === "exit")!;
    expect(exit).toMatchObject({ side: "buy", reduceOnly: true, qty: 0.2 });
    // The exit waits for the stop's cancel, as on spot.
    expect(orderCommands(p, T0 + 5 * 3_600_000, { workingMs: 0, stopMs: 0 }).map((c) => [c.kind, c.order.clientOrderId])).toEqual([["cancel", "f-d1-ETH-s1"]]);
    p = apply(p, "f-d1-ETH-s1", { kind: "order", order: { exchangeOrderId: "1000001", status: "CANCELED", executedQty: 0, fills: [], at: T0 } });
    p = apply(markSent(p, exit.clientOrderId, T0 + 5 * 3_600_000), exit.clientOrderId, filled([fill("3", 0.2, 2_400, T0 + 5 * 3_600_000)]));
    expect(p.status).toBe("closed");
    const fees = (0.1 * 2_500 + 0.1 * 2_502 + 0.2 * 2_400) * 0.0005;
    const funding = 0.0001 * 0.2 * 2_490;
    expect(p.funding).toBeCloseTo(funding, 12);
    expect(p.pnl).toBeCloseTo(0.1 * 2_500 + 0.1 * 2_502 - 0.2 * 2_400 - fees + funding, 9);
  });
});

describe("reconciling a futures portfolio", () => {
  // 10,000 USDT on spot and 10,000 in the USD-M wallet when the book started: the quote's baseline is all 20,000 (the book's cash had not moved).
  const base = (over: Partial<ReconcileInput>): ReconcileInput => ({
    quote: "USDT",
    symbols: ["ETH/USDT"],
    perps: ["ETH/USDT"],
    baseline: { USDT: 20_000, ETH: 0, "ETH:PERP": 0 },
    balances: { USDT: { free: 20_000 - 0.25, locked: 0 }, ETH: { free: 0, locked: 0 }, "ETH:PERP": { free: -0.2, locked: 0 } },
    // The short posted 500 / 3 as margin and paid 0.25 in fees: cash is 10,000 − 166.67 − 0.25; the wallet only lost the fee.
    book: {
      cash: 10_000 - 500 / 3 - 0.25,
      initialCash: 10_000,
      closedCount: 0,
      positions: [{ id: "f-d1-ETH", symbol: "ETH/USDT", status: "open", qty: 0.2, venue: "futures", side: "short", margin: 500 / 3 }],
    },
    expected: [],
    openOrders: [],
    prices: { "ETH/USDT": 2_500 },
    ownPrefix: "f-d",
    tolerance: { quote: 0.01, dustNotional: 5 },
    ...over,
  });

  it("agrees when the venue's signed position and the wallet match the book's short and its margin", () => {
    expect(reconcile(base({})).differences).toEqual([]);
  });

  it("a short the venue no longer holds (liquidated there) is a difference with no clear truth: the account reduces", () => {
    const r = reconcile(base({ balances: { USDT: { free: 20_000 - 0.25 - 500 / 3, locked: 0 }, "ETH:PERP": { free: 0, locked: 0 } } }));
    expect(r.differences).toContainEqual({ kind: "perp_position", symbol: "ETH/USDT", exchange: 0, book: -0.2, value: 500 });
    expect(r.reduce).toMatch(/ETH\/USDT perpetual: exchange holds 0 for the book's -0.2/);
    // Its position is asked to read the venue (which closes it when the venue's orders did).
    expect(r.repair).toEqual(["f-d1-ETH"]);
  });
});
