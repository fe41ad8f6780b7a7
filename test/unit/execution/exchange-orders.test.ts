import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { applyBrokerReport, markAnswered, markSent, orderCommands, resumeUnanswered, type BrokerReport, type ExchangeOrderView } from "../../../src/lib/execution/exchange-orders";
import type { OrderFill } from "../../../src/lib/execution/order";
import { newPosition, observePrice, requestExit, type PositionState } from "../../../src/lib/execution/position";
import { planProtection } from "../../../src/lib/execution/protective-stop";

const T0 = Date.UTC(2026, 2, 26, 10);
const ASSETS = { base: "BTC", quote: "USDT" };
const CFG = { notFoundGraceMs: 15_000, dustNotional: 5 };
const PROTECT = DEFAULT_CONFIG.execution.protection;
const EXITS = DEFAULT_CONFIG.exits;
const POLL = { workingMs: 1_000, stopMs: 5_000 };

function fresh(): PositionState {
  return newPosition({ id: "x-d1-BTC", portfolio: "x", symbol: "BTC/USDT", decisionId: "x-d1", agent: "t", reason: "r", notional: 1_000 }, T0);
}
const fill = (tradeId: string, qty: number, price: number, fee: number, feeAsset = "BTC"): OrderFill => ({ tradeId, qty, price, fee, feeAsset, at: T0 + 1_000 });
const view = (status: ExchangeOrderView["status"], executedQty: number, fills: OrderFill[]): BrokerReport => ({
  kind: "order",
  order: { exchangeOrderId: "7", status, executedQty, fills, at: T0 + 1_000 },
});
const apply = (p: PositionState, cid: string, r: BrokerReport, now = T0 + 1_000) => applyBrokerReport(p, cid, r, now, ASSETS, CFG);

function opened(): PositionState {
  const sent = markSent(fresh(), "x-d1-BTC-e", T0);
  return apply(sent, "x-d1-BTC-e", view("FILLED", 0.01, [fill("1", 0.01, 100_000, 0.00001)]));
}

describe("exchange orders", () => {
  it("opens with the quantity the exchange left after its commission in BTC, the fee valued in USDT", () => {
    const p = opened();
    expect(p.status).toBe("open");
    expect(p.qty).toBeCloseTo(0.01 - 0.00001, 12);
    expect(p.entryPrice).toBe(100_000);
    expect(p.entryFee).toBeCloseTo(0.00001 * 100_000, 9);
  });

  it("accumulates partial fills and ignores a fill reported twice (same trade id)", () => {
    let p = markSent(fresh(), "x-d1-BTC-e", T0);
    p = apply(p, "x-d1-BTC-e", view("PARTIALLY_FILLED", 0.004, [fill("1", 0.004, 100_000, 0.000004)]));
    expect(p.orders[0]!.status).toBe("partially_filled");
    p = apply(p, "x-d1-BTC-e", view("PARTIALLY_FILLED", 0.004, [fill("1", 0.004, 100_000, 0.000004)]));
    expect(p.orders[0]!.fills).toHaveLength(1);
    p = apply(p, "x-d1-BTC-e", view("FILLED", 0.01, [fill("1", 0.004, 100_000, 0.000004), fill("2", 0.006, 101_000, 0.000006)]));
    expect(p.status).toBe("open");
    expect(p.qty).toBeCloseTo(0.01 - 0.00001, 12);
    expect(p.entryPrice).toBeCloseTo((0.004 * 100_000 + 0.006 * 101_000) / 0.01, 6);
  });

  it("does not take FILLED as final while the exchange counted executions it listed no trade for", () => {
    const p = apply(markSent(fresh(), "x-d1-BTC-e", T0), "x-d1-BTC-e", view("FILLED", 0.01, [fill("1", 0.004, 100_000, 0)]));
    expect(p.status).toBe("pending_entry");
    expect(p.orders[0]!.status).toBe("partially_filled");
  });

  it("an unknown outcome waits for the query; not found within the grace stays unknown, after it the entry failed", () => {
    let p = apply(markSent(fresh(), "x-d1-BTC-e", T0), "x-d1-BTC-e", { kind: "unknown", reason: "timeout" });
    expect(p.orders[0]!.status).toBe("unknown");
    expect(orderCommands(p, T0, POLL)).toEqual([{ kind: "query", order: p.orders[0] }]);
    p = apply(p, "x-d1-BTC-e", { kind: "not_found" }, T0 + 5_000);
    expect(p.orders[0]!.status).toBe("unknown");
    p = apply(p, "x-d1-BTC-e", { kind: "not_found" }, T0 + 20_000);
    expect(p.status).toBe("failed");
    expect(p.orders[0]!.rejectReason).toMatch(/never reached the exchange/);
  });

  it("the grace before 'not found' runs from when the placement answered, not from when it was sent", () => {
    // Sent at T0; the call took 12 s (market load, rate wait) before it timed out: the request may have been signed at T0 + 12 s.
    const answeredAt = T0 + 12_000;
    let p = apply(markAnswered(markSent(fresh(), "x-d1-BTC-e", T0), "x-d1-BTC-e", answeredAt), "x-d1-BTC-e", { kind: "unknown", reason: "timeout" }, answeredAt);
    p = apply(p, "x-d1-BTC-e", { kind: "not_found" }, answeredAt + CFG.notFoundGraceMs - 1);
    expect(p.orders[0]!.status).toBe("unknown");
    expect(p.status).toBe("pending_entry");
    p = apply(p, "x-d1-BTC-e", { kind: "not_found" }, answeredAt + CFG.notFoundGraceMs);
    expect(p.status).toBe("failed");
  });

  it("an order whose placement is in flight gets no query; one left sent by a restart has its grace restarted", () => {
    const sent = markSent(fresh(), "x-d1-BTC-e", T0);
    expect(orderCommands(sent, T0 + 60_000, POLL, new Set(["x-d1-BTC-e"]))).toEqual([]);
    expect(orderCommands(sent, T0 + 60_000, POLL).map((c) => c.kind)).toEqual(["query"]);
    const restarted = resumeUnanswered(sent, T0 + 30_000);
    expect(restarted.orders[0]!.sentAt).toBe(T0 + 30_000);
    expect(apply(restarted, "x-d1-BTC-e", { kind: "not_found" }, T0 + 30_000 + CFG.notFoundGraceMs - 1).status).toBe("pending_entry");
    expect(resumeUnanswered(opened(), T0 + 30_000)).toEqual(opened());
  });

  it("a call refused before it left goes back to intent, to be sent later under the same id", () => {
    const p = apply(markSent(fresh(), "x-d1-BTC-e", T0), "x-d1-BTC-e", { kind: "not_sent", reason: "429" });
    expect(p.orders[0]!.status).toBe("intent");
    expect(orderCommands(p, T0, POLL).map((c) => c.kind)).toEqual(["place"]);
  });

  it("a rejected exit leaves the position open; the next exit is a new intent with its own id", () => {
    let p = requestExit(opened(), "decision", "sell", T0 + 2_000);
    p = apply(markSent(p, "x-d1-BTC-x", T0 + 2_000), "x-d1-BTC-x", { kind: "rejected", reason: "insufficient balance", code: -2010 });
    expect(p.status).toBe("open");
    p = requestExit(p, "decision", "sell again", T0 + 3_000);
    expect(p.orders.filter((o) => o.purpose === "exit").map((o) => o.clientOrderId)).toEqual(["x-d1-BTC-x", "x-d1-BTC-x2"]);
  });
});

describe("the protective stop", () => {
  it("rests a stop-loss-limit at the hard stop once the entry fills", () => {
    const p = planProtection(opened(), T0 + 1_000, EXITS, PROTECT);
    const stop = p.orders.find((o) => o.purpose === "stop")!;
    expect(stop).toMatchObject({ clientOrderId: "x-d1-BTC-s1", status: "intent", type: "stop_loss_limit", side: "sell" });
    expect(stop.stopPrice).toBeCloseTo(100_000 * (1 - EXITS.hardStopPct), 6);
    expect(stop.limitPrice).toBeCloseTo(stop.stopPrice! * (1 - PROTECT.limitOffsetPct), 6);
    expect(stop.qty).toBeCloseTo(p.qty, 12);
  });

  it("moves up with the trail: cancel first, then a new stop once the old one is gone", () => {
    let p = planProtection(opened(), T0 + 1_000, EXITS, PROTECT);
    p = apply(markSent(p, "x-d1-BTC-s1", T0 + 1_000), "x-d1-BTC-s1", view("NEW", 0, []));
    p = planProtection(observePrice(p, 120_000, T0 + 60_000, EXITS), T0 + 60_000, EXITS, PROTECT);
    expect(p.orders.find((o) => o.clientOrderId === "x-d1-BTC-s1")!.cancelRequested).toBe(true);
    expect(orderCommands(p, T0 + 60_000, POLL)[0]).toMatchObject({ kind: "cancel" });
    p = apply(p, "x-d1-BTC-s1", view("CANCELED", 0, []), T0 + 61_000);
    p = planProtection(p, T0 + 61_000, EXITS, PROTECT);
    const s2 = p.orders.find((o) => o.clientOrderId === "x-d1-BTC-s2")!;
    expect(s2.stopPrice).toBeCloseTo(120_000 * (1 - EXITS.trailPct), 6);
  });

  it("an exit waits for the stop's cancel (the stop locks the base), and a stop that filled meanwhile closes the position", () => {
    let p = planProtection(opened(), T0 + 1_000, EXITS, PROTECT);
    p = apply(markSent(p, "x-d1-BTC-s1", T0 + 1_000), "x-d1-BTC-s1", view("NEW", 0, []));
    p = planProtection(requestExit(p, "decision", "sell", T0 + 2_000), T0 + 2_000, EXITS, PROTECT);
    expect(orderCommands(p, T0 + 2_000, POLL).map((c) => `${c.kind}:${c.order.clientOrderId}`)).toEqual(["cancel:x-d1-BTC-s1"]);
    const qty = p.qty;
    p = apply(p, "x-d1-BTC-s1", view("FILLED", qty, [fill("9", qty, 85_000, 8.5, "USDT")]), T0 + 3_000);
    expect(p.status).toBe("closed");
    expect(p.exitKind).toBe("exchange_stop");
    expect(p.orders.find((o) => o.clientOrderId === "x-d1-BTC-x")!.status).toBe("cancelled");
    expect(p.pnl).toBeCloseTo(qty * 85_000 - 8.5 - qty * 100_000 - p.entryFee, 6);
  });

  it("an operator hold cancels the stop and places no new one", () => {
    let p = planProtection(opened(), T0 + 1_000, EXITS, PROTECT);
    p = apply(markSent(p, "x-d1-BTC-s1", T0 + 1_000), "x-d1-BTC-s1", view("NEW", 0, []));
    p = planProtection({ ...p, hold: "kill switch" }, T0 + 2_000, EXITS, PROTECT);
    expect(p.orders.find((o) => o.clientOrderId === "x-d1-BTC-s1")!.cancelRequested).toBe(true);
    p = planProtection(apply(p, "x-d1-BTC-s1", view("CANCELED", 0, []), T0 + 3_000), T0 + 3_000, EXITS, PROTECT);
    expect(p.orders.filter((o) => o.purpose === "stop")).toHaveLength(1);
  });
});
