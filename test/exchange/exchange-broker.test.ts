import { describe, expect, it } from "vitest";
import { advance, simPost, waitFor } from "../workers/support";
import { balanceOf, exchangePortfolio, exchangeTruth } from "./support";

/**
 * The exchange broker end to end in workerd: the account's entry becomes a ccxt order on the test's
 * simulator session, a protective stop rests under the position, the exit cancels it and sells; the
 * exchange's truth (GET sim/state) and the book agree.
 */
describe("orders through ccxt to the exchange", () => {
  it("enters, rests a protective stop, exits through the stop's cancel, and the book equals the exchange", async () => {
    const { session, account, position } = await exchangePortfolio("xb1");
    const entry = await account.requestEntry({ decisionId: "xb1-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "exchange test" });
    expect(entry.accepted).toBe(true);
    const pos = position(entry.positionId!);
    const open = await waitFor(
      async () => {
        const p = await pos.status();
        return p?.status === "open" ? p : null;
      },
      "entry filled on the exchange",
      15_000,
      10,
    );
    const filledAt = Date.now();
    const stop = await waitFor(async () => (await exchangeTruth(session)).orders.find((o) => o.clientOrderId === `${open.id}-s1` && o.status === "NEW"), "protective stop resting", 5_000, 10);
    // Within 2 s of the entry's fill being known, the stop rests on the exchange.
    expect(Date.now() - filledAt).toBeLessThan(2_000);
    expect(stop.type).toBe("STOP_LOSS_LIMIT");
    expect(Number(stop.stopPrice)).toBeCloseTo(open.entryPrice * 0.85, 0);

    let truth = await exchangeTruth(session);
    expect(truth.ordersByClientId[`${open.id}-e`]).toBe(1);
    // The buy's commission is charged in BTC: the position holds what the exchange holds.
    expect(balanceOf(truth, "BTC")).toBeCloseTo(open.qty, 8);
    const booked = await waitFor(async () => (await account.summary()).positions.find((p) => p.id === open.id && p.status === "open"), "account booked the fill");
    expect(booked.qty).toBeCloseTo(open.qty, 10);
    expect((await account.summary()).cash).toBeCloseTo(balanceOf(truth, "USDT"), 6);

    const exit = await account.requestExit({ decisionId: "xb1-d2", at: Date.parse("2026-03-26T10:05:00Z"), symbol: "BTC/USDT", reason: "exit test" });
    expect(exit.accepted).toBe(true);
    const closed = await waitFor(async () => {
      const p = await pos.status();
      return p?.status === "closed" ? p : null;
    }, "exit filled");
    truth = await exchangeTruth(session);
    expect(truth.orders.find((o) => o.clientOrderId === `${open.id}-s1`)!.status).toBe("CANCELED");
    expect(truth.orders.find((o) => o.clientOrderId === `${open.id}-x`)!.status).toBe("FILLED");
    expect(Object.values(truth.ordersByClientId).every((n) => n === 1)).toBe(true);
    const summary = await waitFor(async () => {
      const sm = await account.summary();
      return sm.closedCount === 1 ? sm : null;
    }, "account booked the close");
    expect(summary.cash).toBeCloseTo(balanceOf(truth, "USDT"), 6);
    expect(summary.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    // What the sell could not take (below the lot step) is dust worth cents.
    expect(balanceOf(truth, "BTC") * closed.exitPrice!).toBeLessThan(1);
    void advance;
  }, 60_000);

  it("a lost answer to the entry is resolved by its client order id: one order on the exchange, the position open", async () => {
    const { session, account, position } = await exchangePortfolio("xb2");
    await simPost(session, "fault", { type: "lost_response", count: 1, path: "POST order" });
    const entry = await account.requestEntry({ decisionId: "xb2-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "lost answer" });
    const open = await waitFor(async () => {
      const p = await position(entry.positionId!).status();
      return p?.status === "open" ? p : null;
    }, "entry resolved by query");
    const truth = await exchangeTruth(session);
    expect(truth.ordersByClientId[`${open.id}-e`]).toBe(1);
    expect(balanceOf(truth, "BTC")).toBeCloseTo(open.qty, 8);
  }, 60_000);

  it("an entry answered -1007 (executed, status unknown) is found by query, never sent again", async () => {
    const { session, account, position } = await exchangePortfolio("xb3");
    await simPost(session, "fault", { type: "error_after", count: 1, status: 503, path: "POST order" });
    const entry = await account.requestEntry({ decisionId: "xb3-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "-1007" });
    const open = await waitFor(async () => {
      const p = await position(entry.positionId!).status();
      return p?.status === "open" ? p : null;
    }, "entry resolved by query");
    expect((await exchangeTruth(session)).ordersByClientId[`${open.id}-e`]).toBe(1);
  }, 60_000);

  it("an entry refused before it executed (HTTP 500) ends failed after the grace, and the account releases its cash", async () => {
    const { session, account, position } = await exchangePortfolio("xb4");
    await simPost(session, "fault", { type: "http", status: 500, count: 1, path: "POST order" });
    const entry = await account.requestEntry({ decisionId: "xb4-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "5xx" });
    const failed = await waitFor(
      async () => {
        const p = await position(entry.positionId!).status();
        return p?.status === "failed" ? p : null;
      },
      "entry given up",
      20_000,
    );
    expect(failed.exitReason).toMatch(/never reached the exchange/);
    expect((await exchangeTruth(session)).ordersByClientId[`${failed.id}-e`]).toBeUndefined();
    await waitFor(async () => (await account.summary()).positions.length === 0, "account released the reservation");
  }, 60_000);
});
