import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PositionState } from "../../src/lib/execution/position";
import { advance, createSession, migrateD1, simPost, simState, startTicker, streamEvents, waitFor, type SimSession } from "../workers/support";

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
  // The first reconciliation pass takes the exchange's baseline while the book is empty.
  await waitFor(async () => await account.reconciliation(), "the exchange baseline");
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

/** The account booked the position open (its fill reaches the book by mail, after the position knows it): an exit may be asked. */
async function booked(account: { summary(): Promise<{ positions: { id: string; status: string }[] }> }, id: string): Promise<void> {
  await waitFor(async () => ((await account.summary()).positions.some((p) => p.id === id && p.status === "open") ? true : null), `${id} booked open`);
}

/** The venue's executions of an order, summed. */
/** The account's next reconciliation pass, one that begins after now. */
async function reconciliationAfterNow(account: { reconciliation(): Promise<{ wallAt: number; differences: unknown[]; reduce: string | null } | null> }, what: string) {
  const at = Date.now();
  return waitFor(
    async () => {
      const r = await account.reconciliation();
      return r && r.wallAt > at ? r : null;
    },
    what,
    10_000,
  );
}

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

    await booked(account, open.id);
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
    const rec = await reconciliationAfterNow(account, "a reconciliation after the close");
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

describe("what the venue does beyond our orders", () => {
  it("funding: the short takes each settlement as the venue booked it, and its P&L equals the venue's wallet to 1e-6", async () => {
    // BTC 2026-03-27: the 08:00 settlement is −0.006298 % (shorts pay).
    const start = Date.UTC(2026, 2, 27, 7, 55);
    const settlement = Date.UTC(2026, 2, 27, 8);
    const { s, account, position } = await portfolio("xf6", "BTC/USDT", start);
    const entry = await account.requestEntry({ decisionId: "xf6-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "funding", side: "short" });
    const pos = position(entry.positionId!);
    await until(pos, "open", "the short filled");
    let paid: PositionState | null = null;
    for (let i = 0; i < 12 && !paid?.fundingPayments?.length; i++) {
      await advance(s, 1);
      await new Promise((r) => setTimeout(r, 300));
      paid = await pos.status();
    }
    const venue = (await futuresTruth(s)).income.filter((x) => x.incomeType === "FUNDING_FEE");
    expect(venue).toHaveLength(1);
    expect(venue[0]!.time).toBe(settlement);
    expect(paid!.fundingPayments).toHaveLength(1);
    expect(paid!.fundingPayments![0]).toMatchObject({ at: settlement, amount: Number(venue[0]!.income) });
    expect(paid!.funding).toBe(Number(venue[0]!.income));
    expect(paid!.funding).toBeLessThan(0);
    await booked(account, entry.positionId!);
    await account.requestExit({ decisionId: "xf6-d2", at: (await simState(s)).now, symbol: "BTC/USDT", reason: "cover" });
    const closed = await until(pos, "closed", "the cover filled");
    const truth = await futuresTruth(s);
    const e = executions(truth, `${closed.id}-e`);
    const x = executions(truth, `${closed.id}-x`);
    expect(closed.pnl).toBeCloseTo(e.quote - x.quote - e.fee - x.fee + Number(venue[0]!.income), 9);
    expect(truth.wallet - 10_000).toBeCloseTo(closed.pnl!, 6);
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the account booked the close");
    expect(book.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
  }, 60_000);

  it("a settlement the ticker has not heard of yet is taken from the venue at the close: the close books it, the wallet agrees", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 55);
    const settlement = Date.UTC(2026, 2, 27, 8);
    const { s, account, position } = await portfolio("xf8", "BTC/USDT", start);
    const entry = await account.requestEntry({ decisionId: "xf8-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "funding at the close", side: "short" });
    const pos = position(entry.positionId!);
    await until(pos, "open", "the short filled");
    await booked(account, entry.positionId!);
    // Past the settlement and out at once: the exit fills before the ticker's next funding poll.
    await advance(s, 6);
    const exit = await account.requestExit({ decisionId: "xf8-d2", at: (await simState(s)).now, symbol: "BTC/USDT", reason: "cover" });
    expect(exit.accepted, JSON.stringify(exit)).toBe(true);
    const closed = await until(pos, "closed", "the cover filled");
    const truth = await futuresTruth(s);
    const venue = truth.income.filter((x) => x.incomeType === "FUNDING_FEE");
    expect(venue.map((x) => x.time)).toEqual([settlement]);
    expect(closed.funding).toBe(Number(venue[0]!.income));
    expect(truth.wallet - 10_000).toBeCloseTo(closed.pnl!, 6);
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 1 ? b : null;
    }, "the account booked the close");
    expect(book.cash).toBeCloseTo(truth.wallet, 6);
  }, 60_000);

  it("an entry under the venue's lot step is refused for good (the entry fails), not sent again and again", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 40);
    const { s, account, position } = await portfolio("xf9", "BTC/USDT", start);
    // 50 USDT of BTC at ~87,000 is 0.00057 BTC: under the 0.001 step, nothing to send.
    const entry = await account.requestEntry({ decisionId: "xf9-d1", at: start, symbol: "BTC/USDT", positionPct: 0.005, agent: "test", reason: "tiny", side: "short" });
    expect(entry).toMatchObject({ accepted: true });
    const failed = await until(position(entry.positionId!), "failed", "the entry refused");
    expect(failed.exitReason).toMatch(/order size/);
    expect((await futuresTruth(s)).orders).toEqual([]);
    await waitFor(async () => ((await account.summary()).positions.length === 0 ? true : null), "the reservation released");
  }, 60_000);

  it("a liquidation: a carry's unstopped 50x ETH short leg is liquidated on the venue; reconciliation finds it, the leg closes as the venue booked it, its partner is sold", async () => {
    const start = Date.UTC(2026, 2, 28, 13, 40);
    const { s, account, position } = await portfolio("xf7", "ETH/USDT", start);
    const r = await account.requestEntry({ decisionId: "xf7-d1", at: start, symbol: "ETH/USDT", positionPct: 0.3, agent: "test", reason: "carry", group: "carry" });
    expect(r).toMatchObject({ accepted: true });
    const perp = position("xf7-d1-ETH-perp");
    const open = await until(perp, "open", "the perpetual leg filled");
    await until(position("xf7-d1-ETH-spot"), "open", "the spot leg filled");
    expect(open.leverage).toBe(50);
    await advance(s, 3);
    const liquidated = await until(perp, "closed", "the leg closed from the venue's account");
    const truth = await futuresTruth(s);
    const auto = truth.orders.filter((o) => o.clientOrderId.startsWith("autoclose-"));
    expect(auto).toHaveLength(1);
    const fills = truth.trades.filter((t) => t.orderId === auto[0]!.orderId);
    expect(liquidated).toMatchObject({ exitKind: "liquidation" });
    expect(liquidated.exitPrice).toBeCloseTo(Number(fills[0]!.price), 9);
    // The venue took the whole isolated margin: the leg's P&L is the margin and the entry's commission, lost.
    const e = executions(truth, `${open.id}-e`);
    expect(liquidated.pnl).toBeCloseTo(Number(fills[0]!.realizedPnl) - e.fee, 6);
    expect(liquidated.pnl).toBeCloseTo(-(e.quote / 50) - e.fee, 6);
    expect(truth.wallet - 10_000).toBeCloseTo(liquidated.pnl!, 6);
    // Its partner is an orphan now: sold on the spot API.
    const orphan = await until(position("xf7-d1-ETH-spot"), "closed", "the spot leg sold");
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.closedCount === 2 && b.positions.length === 0 ? b : null;
    }, "the book flat");
    expect(book.cash).toBeCloseTo(10_000 + liquidated.pnl! + orphan.pnl!, 6);
    // Booked once: one close of the leg in the book, its trade row the liquidation's.
    expect(book.closedCount).toBe(2);
    const row = await waitFor(() => env.DB.prepare("SELECT exit_kind, pnl FROM trades WHERE id = ?").bind(open.id).first<{ exit_kind: string; pnl: number }>(), "the trade row");
    expect(row).toMatchObject({ exit_kind: "liquidation" });
    expect(row.pnl).toBeCloseTo(liquidated.pnl!, 9);
    // The operator hears of it once; the venue and the book agree again, so the account goes on trading.
    const alerts = await waitFor(async () => {
      const events = (await streamEvents("xf7")).filter((e) => e.type === "risk.alert" && e.data.reason === "venue_close");
      return events.length > 0 ? events : null;
    }, "the venue-close alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data.detail).toMatchObject({ position: open.id, kind: "liquidation" });
    const rec = await reconciliationAfterNow(account, "a reconciliation after the liquidation");
    expect(rec.differences).toEqual([]);
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

    await booked(account, "xf4-d1-BTC-spot");
    await booked(account, "xf4-d1-BTC-perp");
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
    const rec = await reconciliationAfterNow(account, "a reconciliation after the closes");
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
