import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PositionState } from "../../src/lib/execution/position";
import { advance, createSession, migrateD1, simPost, simState, startTicker, waitFor, type SimSession } from "../workers/support";

/**
 * USD-M perpetuals through the exchange broker in workerd: ccxt's binanceusdm places every futures order on the test's
 * simulator session (isolated margin at the position's leverage, a market entry sized from the notional at the mark, a
 * reduce-only stop-market protective stop through the Algo Order API, a reduce-only exit); the position's fills, fees and
 * P&L are the venue's, and the book, the venue's wallet and its position agree.
 */
interface FuturesTruth {
  wallet: number;
  positions: { symbol: string; amt: number; leverage: number; isolated: boolean }[];
  orders: { clientOrderId: string; orderId: number; side: string; type: string; status: string; executedQty: string; reduceOnly: boolean }[];
  algoOrders: { clientAlgoId: string; side: string; orderType: string; algoStatus: string; triggerPrice: string; quantity: string; reduceOnly: boolean }[];
  trades: { id: number; orderId: number; side: string; price: string; qty: string; commission: string; realizedPnl: string }[];
  income: { incomeType: string; income: string; time: number }[];
}

async function streamEvents(portfolio: string): Promise<{ type: string; data: any }[]> {
  return runInDurableObject(env.STREAM.getByName(`stream:${portfolio}`), async (_instance, state) =>
    state.storage.sql
      .exec<{ json: string }>("SELECT json FROM events ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.json) as { type: string; data: any }),
  );
}

async function futuresTruth(s: SimSession): Promise<FuturesTruth> {
  return ((await simState(s)) as unknown as { futures: FuturesTruth }).futures;
}

async function portfolio(name: string, symbol: string, start: number) {
  await migrateD1();
  const s = await createSession({ start: new Date(start).toISOString(), symbols: [symbol.replace("/", "")], partials: 2 });
  const account = env.ACCOUNT.getByName(`account:${name}`);
  await account.init({ portfolio: name, venue: name, restUrl: s.restBase, symbols: [symbol], initialCash: 10_000 });
  await startTicker(s, symbol, name, name);
  await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
  return { s, account, position: (id: string) => env.POSITION.getByName(`position:${name}:${id}`) };
}

async function until(pos: { status(): Promise<PositionState | null> }, status: PositionState["status"], what: string): Promise<PositionState> {
  return waitFor(
    async () => {
      const p = await pos.status();
      return p?.status === status ? p : null;
    },
    what,
    20_000,
    10,
  );
}

/** The venue's executions of an order, summed. */
function executions(t: FuturesTruth, cid: string) {
  const order = t.orders.find((o) => o.clientOrderId === cid)!;
  const rows = t.trades.filter((x) => x.orderId === order.orderId);
  return { order, qty: rows.reduce((a, x) => a + Number(x.qty), 0), quote: rows.reduce((a, x) => a + Number(x.qty) * Number(x.price), 0), fee: rows.reduce((a, x) => a + Number(x.commission), 0) };
}

describe("USD-M perpetuals through ccxt to the exchange", () => {
  it("shorts at 2x isolated, rests a reduce-only stop-market above it, covers reduce-only, and books the venue's fills", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 40);
    const { s, account, position } = await portfolio("xf1", "BTC/USDT", start);
    const entry = await account.requestEntry({ decisionId: "xf1-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "futures exchange test", side: "short" });
    expect(entry).toMatchObject({ accepted: true });
    const pos = position(entry.positionId!);
    const open = await until(pos, "open", "the short filled on the venue");
    let truth = await futuresTruth(s);
    expect(truth.positions).toEqual([expect.objectContaining({ symbol: "BTCUSDT", leverage: 2, isolated: true })]);
    const e = executions(truth, `${open.id}-e`);
    expect(e.order).toMatchObject({ side: "SELL", type: "MARKET", status: "FILLED", reduceOnly: false });
    // The notional at the mark, in the venue's lot step (0.001 BTC).
    expect(Math.abs((e.qty * e.quote) / e.qty - 3_000)).toBeLessThan((0.001 * e.quote) / e.qty);
    expect(open).toMatchObject({ side: "short", venue: "futures", leverage: 2 });
    expect(open.qty).toBeCloseTo(e.qty, 12);
    expect(open.entryPrice).toBeCloseTo(e.quote / e.qty, 9);
    expect(open.entryFee).toBeCloseTo(e.fee, 9);
    expect(truth.positions[0]!.amt).toBeCloseTo(-open.qty, 12);

    const stop = await waitFor(async () => (await futuresTruth(s)).algoOrders.find((a) => a.clientAlgoId === `${open.id}-s1` && a.algoStatus === "NEW"), "protective stop resting", 5_000, 10);
    expect(stop).toMatchObject({ side: "BUY", orderType: "STOP_MARKET", reduceOnly: true });
    expect(Number(stop.quantity)).toBeCloseTo(open.qty, 12);
    expect(Number(stop.triggerPrice)).toBeCloseTo(open.entryPrice * 1.015, 1);

    const exit = await account.requestExit({ decisionId: "xf1-d2", at: start + 60_000, symbol: "BTC/USDT", reason: "cover" });
    expect(exit.accepted).toBe(true);
    const closed = await until(pos, "closed", "the cover filled");
    truth = await futuresTruth(s);
    expect(truth.algoOrders.find((a) => a.clientAlgoId === `${open.id}-s1`)!.algoStatus).toBe("CANCELED");
    const x = executions(truth, `${open.id}-x`);
    expect(x.order).toMatchObject({ side: "BUY", type: "MARKET", status: "FILLED", reduceOnly: true });
    expect(x.qty).toBeCloseTo(open.qty, 12);
    expect(truth.positions).toEqual([]);
    // P&L by hand from the venue's two fills and commissions (no settlement in between).
    const pnl = e.quote - x.quote - e.fee - x.fee;
    expect(closed.exitPrice).toBeCloseTo(x.quote / x.qty, 9);
    expect(closed.pnl).toBeCloseTo(pnl, 9);
    // The venue's wallet moved by its realized P&L less commissions: the same figure.
    expect(truth.wallet - 10_000).toBeCloseTo(pnl, 6);
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the account booked the close");
    expect(book.cash).toBeCloseTo(10_000 + pnl, 6);
    expect(Object.values((await simState(s)).ordersByClientId).every((n) => n <= 1)).toBe(true);
    // A reconciliation pass after the close finds the venue and the book in agreement.
    const at = Date.now();
    const rec = await waitFor(
      async () => {
        const r = await account.reconciliation();
        return r && r.wallAt > at ? r : null;
      },
      "a reconciliation after the close",
      10_000,
    );
    expect(rec.differences).toEqual([]);
    expect(rec.reduce).toBeNull();
  }, 60_000);

  it("a lost answer to the futures entry is resolved by its client order id: one order on the venue, the short open", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 40);
    const { s, account, position } = await portfolio("xf2", "BTC/USDT", start);
    await simPost(s, "fault", { type: "lost_response", count: 1, path: "POST fapi/v1/order" });
    const entry = await account.requestEntry({ decisionId: "xf2-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "lost answer", side: "short" });
    const open = await until(position(entry.positionId!), "open", "the entry resolved by query");
    const truth = await futuresTruth(s);
    expect(truth.orders.filter((o) => o.clientOrderId === `${open.id}-e`)).toHaveLength(1);
    expect(truth.positions[0]!.amt).toBeCloseTo(-open.qty, 12);
  }, 60_000);

  it("the venue's stop-market covers a short when ETH jumps 2 % in a minute: closed once, as the venue filled it", async () => {
    const start = Date.UTC(2026, 2, 28, 13, 40);
    const { s, account, position } = await portfolio("xf3", "ETH/USDT", start);
    const entry = await account.requestEntry({ decisionId: "xf3-d1", at: start, symbol: "ETH/USDT", positionPct: 0.3, agent: "test", reason: "stop test", side: "short" });
    const pos = position(entry.positionId!);
    const open = await until(pos, "open", "the short filled");
    await waitFor(async () => (await futuresTruth(s)).algoOrders.find((a) => a.clientAlgoId === `${open.id}-s1` && a.algoStatus === "NEW"), "protective stop resting", 5_000, 10);
    await advance(s, 2);
    const closed = await until(pos, "closed", "the stop filled on the venue");
    const truth = await futuresTruth(s);
    const algo = truth.algoOrders.find((a) => a.clientAlgoId === `${open.id}-s1`)!;
    expect(algo.algoStatus).toBe("FINISHED");
    const triggered = truth.orders.find((o) => o.clientOrderId === `${open.id}-s1` && o.type === "MARKET")!;
    const fills = truth.trades.filter((t) => t.orderId === triggered.orderId);
    expect(fills).toHaveLength(1);
    expect(closed).toMatchObject({ exitKind: "exchange_stop" });
    expect(closed.exitPrice).toBeCloseTo(Number(fills[0]!.price), 9);
    expect(Number(fills[0]!.price)).toBeGreaterThanOrEqual(Number(algo.triggerPrice));
    const e = executions(truth, `${open.id}-e`);
    expect(closed.pnl).toBeCloseTo(e.quote - Number(fills[0]!.qty) * Number(fills[0]!.price) - e.fee - Number(fills[0]!.commission), 9);
    expect(truth.positions).toEqual([]);
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the account booked the stop");
    expect(book.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    expect(truth.wallet - 10_000).toBeCloseTo(closed.pnl!, 6);
  }, 60_000);
});

describe("the funding carry on two venues through ccxt", () => {
  it("buys the spot leg on the spot API and shorts the perpetual leg on USD-M, then closes both; the venues and the book agree", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 40);
    const { s, account, position } = await portfolio("xf4", "BTC/USDT", start);
    const r = await account.requestEntry({ decisionId: "xf4-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "carry", group: "carry" });
    expect(r).toMatchObject({ accepted: true });
    const spot = position("xf4-d1-BTC-spot");
    const perp = position("xf4-d1-BTC-perp");
    const [spotOpen, perpOpen] = [await until(spot, "open", "the spot leg filled"), await until(perp, "open", "the perpetual leg filled")];
    const state = (await simState(s)) as unknown as { balances: { asset: string; free: number; locked: number }[]; futures: FuturesTruth };
    const btc = state.balances.find((b) => b.asset === "BTC")!;
    expect(btc.free + btc.locked).toBeCloseTo(spotOpen.qty, 8);
    expect(state.futures.positions).toEqual([expect.objectContaining({ symbol: "BTCUSDT", isolated: true })]);
    expect(state.futures.positions[0]!.amt).toBeCloseTo(-perpOpen.qty, 12);
    // Legs of a group rest no protective stop of their own, on either venue.
    expect(state.futures.algoOrders).toEqual([]);

    await account.requestExit({ decisionId: "xf4-d2", at: start + 60_000, symbol: "BTC/USDT", reason: "close the carry" });
    const [spotClosed, perpClosed] = [await until(spot, "closed", "the spot leg sold"), await until(perp, "closed", "the perpetual leg covered")];
    const after = (await simState(s)) as unknown as { balances: { asset: string; free: number; locked: number }[]; futures: FuturesTruth };
    expect(after.futures.positions).toEqual([]);
    const usdt = after.balances.find((b) => b.asset === "USDT")!;
    // The book's cash is what both venues moved: the spot quote and the USD-M wallet.
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 2 ? b : null;
    }, "the account booked both closes");
    expect(book.cash).toBeCloseTo(10_000 + spotClosed.pnl! + perpClosed.pnl!, 6);
    expect(usdt.free + usdt.locked - 10_000 + (after.futures.wallet - 10_000)).toBeCloseTo(spotClosed.pnl! + perpClosed.pnl!, 1);
    const at = Date.now();
    const rec = await waitFor(
      async () => {
        const x = await account.reconciliation();
        return x && x.wallAt > at ? x : null;
      },
      "a reconciliation after the closes",
      10_000,
    );
    expect(rec.differences).toEqual([]);
    expect(rec.reduce).toBeNull();
  }, 60_000);

  it("an order failure on the perpetual leg's venue leaves the spot leg an orphan: sold on the spot API, alerted, the book flat", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 40);
    const { s, account, position } = await portfolio("xf5", "BTC/USDT", start);
    // USD-M refuses every order for a while (503s, nothing placed): the perpetual leg's entry ends unplaced after its grace.
    await simPost(s, "fault", { type: "http", status: 503, count: 50, path: "POST fapi/v1/order" });
    const r = await account.requestEntry({ decisionId: "xf5-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "carry", group: "carry" });
    expect(r).toMatchObject({ accepted: true });
    const perp = await until(position("xf5-d1-BTC-perp"), "failed", "the perpetual leg failed");
    expect(perp.exitReason).toMatch(/entry/);
    const orphan = await until(position("xf5-d1-BTC-spot"), "closed", "the orphan sold");
    expect(orphan).toMatchObject({ exitKind: "orphan" });
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.positions.length === 0 && b.closedCount === 1 ? b : null;
    }, "the book flat");
    expect(book.cash).toBeCloseTo(10_000 + orphan.pnl!, 6);
    const truth = await futuresTruth(s);
    expect(truth.orders).toEqual([]);
    expect(truth.positions).toEqual([]);
    const alerts = await waitFor(async () => {
      const events = (await streamEvents("xf5")).filter((e) => e.type === "risk.alert" && e.data.reason === "orphan_leg");
      return events.length > 0 ? events : null;
    }, "the orphan alert");
    expect(alerts).toHaveLength(1);
  }, 60_000);
});
