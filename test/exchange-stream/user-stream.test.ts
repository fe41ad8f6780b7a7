import { describe, expect, it } from "vitest";
import type { OrderFill } from "../../src/lib/execution/order";
import type { PositionState } from "../../src/lib/execution/position";
import { advance, balanceOf, simPost, streamPortfolio, streamTruth, waitFor, type StreamTruth } from "./support";

/**
 * Fills by the venue's user-data stream alone (project `exchange-stream`: orders are never polled, reconciliation
 * runs only when the stream subscribes, and the portfolios have no price feed, so a position cannot exit on its
 * own). The replay from 09:25 falls about 0.5 % by 09:31: through a protective stop 0.4 % under the entry.
 */
const START = "2026-03-26T09:25:00Z";
const AT = Date.parse(START);

const fillsOf = (p: PositionState, cid: string) => (p.orders.find((o) => o.clientOrderId === cid)?.fills ?? []).map((f: OrderFill) => [f.tradeId, f.qty, f.price, f.fee, f.feeAsset]);
function tradesOf(t: StreamTruth, cid: string) {
  const order = t.orders.find((o) => o.clientOrderId === cid);
  return t.trades.filter((x) => x.orderId === order?.orderId).map((x) => [String(x.id), Number(x.qty), Number(x.price), Number(x.commission), x.commissionAsset]);
}

async function statusOf(pos: { status(): Promise<PositionState | null> }, status: PositionState["status"], what: string, timeoutMs = 15_000): Promise<PositionState> {
  return waitFor(
    async () => {
      const p = await pos.status();
      return p?.status === status ? p : null;
    },
    what,
    timeoutMs,
    10,
  );
}

/** An entry the exchange accepts as NEW and fills over the next two ticks: only a report can tell the engine. */
async function delayedEntry(s: Awaited<ReturnType<typeof streamPortfolio>>, decisionId: string) {
  await simPost(s.session, "fault", { type: "delayed_fill", count: 1, parts: 2 });
  const entry = await s.account.requestEntry({ decisionId, at: AT, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "user-data stream" });
  expect(entry.accepted).toBe(true);
  const id = entry.positionId!;
  await waitFor(async () => (await streamTruth(s.session)).orders.find((o) => o.clientOrderId === `${id}-e` && o.status === "NEW"), "entry working on the exchange");
  return { id, pos: s.position(id) };
}

describe("fills by the user-data stream alone", () => {
  it("an entry fills, its protective stop rests, the replay fills the stop, and the position closes as exchange_stop, never polled", async () => {
    const s = await streamPortfolio("us1", START);
    const { id, pos } = await delayedEntry(s, "us1-d1");
    expect((await pos.status())!.status).toBe("pending_entry");
    await advance(s.session, 1);
    const open = await statusOf(pos, "open", "entry filled by the stream");
    const openedAt = Date.now();
    const stop = await waitFor(async () => (await streamTruth(s.session)).orders.find((o) => o.clientOrderId === `${id}-s1` && o.status === "NEW"), "protective stop resting", 5_000, 10);
    expect(Date.now() - openedAt).toBeLessThan(2_000);
    expect(Number(stop.stopPrice)).toBeCloseTo(open.entryPrice * (1 - 0.004), 0);

    await advance(s.session, 6);
    const closed = await statusOf(pos, "closed", "stop filled, reported by the stream");
    expect(closed.exitKind).toBe("exchange_stop");
    const truth = await streamTruth(s.session);
    // The only path: the exchange was never asked for an order or its trades.
    expect(truth.requests["GET order"]).toBeUndefined();
    expect(truth.requests["GET myTrades"]).toBeUndefined();
    expect(truth.orders.find((o) => o.clientOrderId === `${id}-s1`)!.status).toBe("FILLED");
    // Fills and fees are the exchange's trades, one for one.
    expect(fillsOf(closed, `${id}-e`)).toHaveLength(2);
    expect(fillsOf(closed, `${id}-e`)).toEqual(tradesOf(truth, `${id}-e`));
    expect(fillsOf(closed, `${id}-s1`)).toEqual(tradesOf(truth, `${id}-s1`));
    const feeQuote = truth.trades.reduce((sum, t) => sum + Number(t.commission) * (t.commissionAsset === "BTC" ? Number(t.price) : 1), 0);
    const summary = await waitFor(async () => {
      const sm = await s.account.summary();
      return sm.closedCount === 1 ? sm : null;
    }, "account booked the close");
    expect(summary.feesPaid).toBeCloseTo(feeQuote, 6);
    expect(summary.cash).toBeCloseTo(balanceOf(truth, "USDT"), 6);
    expect(summary.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    expect(balanceOf(truth, "BTC") * closed.exitPrice!).toBeLessThan(1);
  }, 60_000);

  it("a duplicated executionReport changes nothing: each trade counts once and the book equals the exchange", async () => {
    const s = await streamPortfolio("us2", START);
    await simPost(s.session, "fault", { type: "duplicate_fill_report", count: 2 });
    const { id, pos } = await delayedEntry(s, "us2-d1");
    await advance(s.session, 1);
    const open = await statusOf(pos, "open", "entry filled by the stream");
    await waitFor(async () => (await streamTruth(s.session)).orders.find((o) => o.clientOrderId === `${id}-s1` && o.status === "NEW"), "protective stop resting");
    // Every report reached the engine: the entry's NEW, each of its two trades twice, the stop's NEW.
    await waitFor(async () => (await s.stream.status()).reports >= 6, "reports forwarded");
    const truth = await streamTruth(s.session);
    expect(truth.faults.duplicateFillReports).toBe(0);
    expect((await s.stream.status()).reports).toBe(6);
    const now = (await pos.status())!;
    expect(fillsOf(now, `${id}-e`)).toEqual(tradesOf(truth, `${id}-e`));
    expect(now.orders.find((o) => o.clientOrderId === `${id}-e`)!.filledQty).toBeCloseTo(Number(truth.orders.find((o) => o.clientOrderId === `${id}-e`)!.executedQty), 10);
    expect(now.qty).toBe(open.qty);
    expect(open.qty).toBeCloseTo(balanceOf(truth, "BTC"), 10);
    const booked = await waitFor(async () => (await s.account.summary()).positions.find((p) => p.id === id && p.status === "open"), "account booked the fill");
    expect(booked.qty).toBeCloseTo(open.qty, 10);
    expect((await s.account.summary()).cash).toBeCloseTo(balanceOf(truth, "USDT"), 6);
  }, 60_000);

  it("resubscribes after the socket drops, asks for a reconciliation, and the new subscription carries the fills", async () => {
    const s = await streamPortfolio("us3", START);
    expect((await s.stream.status()).subscribes).toBe(1);
    const dropAt = Date.now();
    await simPost(s.session, "fault", { type: "drop", refuseMs: 500 });
    const again = await waitFor(
      async () => {
        const st = await s.stream.status();
        return st.status === "live" && st.subscribes >= 2 ? st : null;
      },
      "resubscribed",
      15_000,
    );
    expect(again.disconnects).toBeGreaterThanOrEqual(1);
    expect(again.subscribedAt!).toBeGreaterThanOrEqual(dropAt);
    expect((await streamTruth(s.session)).wsApi).toMatchObject({ sockets: 1, subscriptions: 1 });
    await waitFor(async () => ((await s.account.reconciliation())?.wallAt ?? 0) >= again.subscribedAt!, "the reconciliation the resubscription asked for");

    const { pos } = await delayedEntry(s, "us3-d1");
    await advance(s.session, 1);
    await statusOf(pos, "open", "entry filled through the new subscription");
    expect((await streamTruth(s.session)).requests["GET order"]).toBeUndefined();
  }, 60_000);

  it("replaces a socket that went silent (its ping unanswered) and subscribes again", async () => {
    const s = await streamPortfolio("us6", START);
    await simPost(s.session, "fault", { type: "silence", ms: 5_000 });
    const again = await waitFor(
      async () => {
        const st = await s.stream.status();
        return st.status === "live" && st.subscribes >= 2 ? st : null;
      },
      "resubscribed on a new socket",
      15_000,
    );
    expect(again.lastDisconnect).toMatch(/no answer to ping/);
    expect(again.disconnects).toBe(1);
    expect((await streamTruth(s.session)).wsApi).toMatchObject({ sockets: 1, subscriptions: 1 });
  }, 60_000);

  it("a fill made while the socket was down is found by the reconciliation the resubscription asks for", async () => {
    const s = await streamPortfolio("us4", START);
    const { id, pos } = await delayedEntry(s, "us4-d1");
    await simPost(s.session, "fault", { type: "drop", refuseMs: 2_000 });
    await waitFor(async () => (await s.stream.status()).status !== "live", "stream lost");
    await advance(s.session, 1);
    // Filled with no subscription live: its reports went nowhere.
    expect((await streamTruth(s.session)).wsApi.subscriptions).toBe(0);
    expect((await pos.status())!.status).toBe("pending_entry");
    const open = await statusOf(pos, "open", "fill found after the resubscription", 20_000);
    const truth = await streamTruth(s.session);
    expect(truth.requests["GET order"]).toBeGreaterThanOrEqual(1);
    expect(fillsOf(open, `${id}-e`)).toEqual(tradesOf(truth, `${id}-e`));
    expect((await s.stream.status()).subscribes).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("closes with the engine's stop and stays closed until the account is started again", async () => {
    const s = await streamPortfolio("us5", START);
    await s.account.stopUserStream();
    expect((await s.stream.status()).status).toBe("stopped");
    await waitFor(async () => (await streamTruth(s.session)).wsApi.sockets === 0, "socket closed");
    // A reconciliation pass does not bring it back.
    await s.account.reconcileSoon({ reason: "test" });
    await waitFor(async () => ((await s.nextReconcile()) ?? 0) > Date.now() + 600_000, "reconciliation pass done");
    expect((await s.stream.status()).status).toBe("stopped");
    expect((await streamTruth(s.session)).wsApi.sockets).toBe(0);
    await s.account.init({ portfolio: "us5", venue: "us5", restUrl: s.session.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
    await waitFor(async () => (await s.stream.status()).status === "live", "subscribed again after the start");
    expect((await streamTruth(s.session)).wsApi.subscriptions).toBe(1);
  }, 60_000);
});
