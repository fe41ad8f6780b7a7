import { describe, expect, it } from "vitest";
import { reconcile, type ReconcileInput } from "../../../src/lib/execution/reconcile";

function input(over: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    quote: "USDT",
    symbols: ["BTC/USDT"],
    baseline: { USDT: 10_000, BTC: 0 },
    balances: { USDT: { free: 7_000, locked: 0 }, BTC: { free: 0, locked: 0.03 } },
    book: { cash: 7_000, initialCash: 10_000, closedCount: 0, positions: [{ id: "m-d1-BTC", symbol: "BTC/USDT", status: "open", qty: 0.03 }] },
    expected: [{ positionId: "m-d1-BTC", symbol: "BTC/USDT", clientOrderId: "m-d1-BTC-s1", status: "submitted", purpose: "stop" }],
    openOrders: [{ symbol: "BTC/USDT", clientOrderId: "m-d1-BTC-s1" }],
    prices: { "BTC/USDT": 100_000 },
    ownPrefix: "m-d",
    tolerance: { quote: 0.01, dustNotional: 5 },
    ...over,
  };
}

describe("reconciliation with the exchange", () => {
  it("finds nothing when the exchange holds what the book says", () => {
    expect(reconcile(input())).toEqual({ differences: [], repair: [], reduce: null });
  });

  it("a working order the exchange no longer lists is repaired by asking its position, not overwritten", () => {
    const r = reconcile(input({ openOrders: [] }));
    expect(r.repair).toEqual(["m-d1-BTC"]);
    expect(r.reduce).toBeNull();
  });

  it("an open order of ours that no position placed puts the account in REDUCING", () => {
    const r = reconcile(
      input({
        openOrders: [
          { symbol: "BTC/USDT", clientOrderId: "m-d1-BTC-s1" },
          { symbol: "BTC/USDT", clientOrderId: "m-d9-BTC-e" },
        ],
      }),
    );
    expect(r.reduce).toMatch(/m-d9-BTC-e/);
  });

  it("balances that differ with nothing in flight reduce; while orders are in flight they wait", () => {
    const missing = { balances: { USDT: { free: 7_000, locked: 0 }, BTC: { free: 0, locked: 0 } } };
    expect(reconcile(input({ ...missing, expected: [], openOrders: [] })).reduce).toMatch(/BTC: exchange holds 0/);
    expect(
      reconcile(input({ ...missing, expected: [{ positionId: "m-d1-BTC", symbol: "BTC/USDT", clientOrderId: "m-d1-BTC-x", status: "sent", purpose: "exit" }], openOrders: [] })).reduce,
    ).toBeNull();
  });

  it("base on the exchange that no position of the book holds (a lost position) reduces", () => {
    const r = reconcile(
      input({
        symbols: ["BTC/USDT", "ETH/USDT"],
        balances: { USDT: { free: 7_000, locked: 0 }, BTC: { free: 0, locked: 0.03 }, ETH: { free: 1, locked: 0 } },
        prices: { "BTC/USDT": 100_000, "ETH/USDT": 2_000 },
      }),
    );
    expect(r.reduce).toMatch(/ETH: exchange holds 1 for the book's 0/);
  });

  it("ignores dust and the engine's own baseline, and orders of other clients", () => {
    const r = reconcile(
      input({
        baseline: { USDT: 10_000, BTC: 1 },
        balances: { USDT: { free: 7_000.004, locked: 0 }, BTC: { free: 1.00001, locked: 0.03 } },
        openOrders: [
          { symbol: "BTC/USDT", clientOrderId: "m-d1-BTC-s1" },
          { symbol: "BTC/USDT", clientOrderId: "web_123" },
        ],
      }),
    );
    expect(r).toEqual({ differences: [], repair: [], reduce: null });
  });
});
