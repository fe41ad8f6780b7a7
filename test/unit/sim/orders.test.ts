import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { sign, startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { getJson, iso, signed } from "./helpers";

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

const START = iso("2025-06-04T12:00:00Z");
async function session(extra: Record<string, unknown> = {}): Promise<Session> {
  const s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], ...extra });
  await s.advance(1);
  return s;
}
const close0 = () => loadCandleRange("BTCUSDT", "1m", START, START + 60_000)[0]!.c;
const balances = async (s: Session) => Object.fromEntries((await signed(s.restBase, "GET", "account", {})).body.balances.map((b: any) => [b.asset, b]));

describe("signed requests", () => {
  it("rejects a wrong API key with -2015 (401) and a wrong signature with -1022 (400)", async () => {
    const s = await session();
    expect(await signed(s.restBase, "GET", "account", {}, { key: "nope" })).toEqual({
      status: 401,
      body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
    });
    expect(await signed(s.restBase, "GET", "account", {}, { secret: "wrong" })).toEqual({
      status: 400,
      body: { code: -1022, msg: "Signature for this request is not valid." },
    });
  });

  it("verifies totalParams = query string + body when parameters are split between them", async () => {
    const s = await session();
    const query = "symbol=BTCUSDT&side=BUY&type=MARKET";
    const body = `quantity=0.001&timestamp=${Date.now()}`;
    const sig = sign("sim-secret", query + body);
    const r = await fetch(`${s.restBase}/api/v3/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": "sim-key", "content-type": "application/x-www-form-urlencoded" },
      body: `${body}&signature=${sig}`,
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe("FILLED");
  });

  it("takes a parameter sent in both query and body from the query, as Binance does", async () => {
    const s = await session();
    const query = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001";
    const body = `quantity=0.002&timestamp=${Date.now()}`;
    const r = await fetch(`${s.restBase}/api/v3/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": "sim-key", "content-type": "application/x-www-form-urlencoded" },
      body: `${body}&signature=${sign("sim-secret", query + body)}`,
    });
    expect(((await r.json()) as { origQty: string }).origQty).toBe("0.00100000");
  });
});

describe("orders", () => {
  it("fills a MARKET buy at the current price, charging the taker fee in the received asset", async () => {
    const s = await session();
    const r = await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "buy-1" });
    expect(r.status).toBe(200);
    const p = close0();
    expect(r.body).toMatchObject({
      symbol: "BTCUSDT",
      orderListId: -1,
      clientOrderId: "buy-1",
      transactTime: START + 60_000,
      price: "0.00000000",
      origQty: "0.00100000",
      executedQty: "0.00100000",
      cummulativeQuoteQty: (p * 0.001).toFixed(8),
      status: "FILLED",
      timeInForce: "GTC",
      type: "MARKET",
      side: "BUY",
      workingTime: START + 60_000,
      selfTradePreventionMode: "NONE",
    });
    expect(r.body.fills).toEqual([{ price: p.toFixed(8), qty: "0.00100000", commission: "0.00000100", commissionAsset: "BTC", tradeId: 1 }]);
    const b = await balances(s);
    expect(b.BTC.free).toBe("0.00099900");
    expect(Number(b.USDT.free)).toBeCloseTo(10_000 - p * 0.001, 8);

    const q = await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "buy-1" });
    expect(q.body).toMatchObject({ orderId: r.body.orderId, status: "FILLED", isWorking: false, time: START + 60_000 });
    const trades = await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT" });
    expect(trades.body[0]).toMatchObject({ id: 1, orderId: r.body.orderId, isBuyer: true, isMaker: false, commissionAsset: "BTC" });
  });

  it("rejects a second order with the client id of a still-open order, but accepts a different id", async () => {
    const s = await session();
    const limit = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "50000.00" };
    const first = await signed(s.restBase, "POST", "order", { ...limit, newClientOrderId: "dup" });
    expect(first.body.status).toBe("NEW");
    const again = await signed(s.restBase, "POST", "order", { ...limit, newClientOrderId: "dup" });
    expect(again).toEqual({ status: 400, body: { code: -2010, msg: "Duplicate order sent." } });
    const other = await signed(s.restBase, "POST", "order", { ...limit, newClientOrderId: "other" });
    expect(other.status).toBe(200);
    const st = await getJson(`${s.restBase}/sim/state`);
    expect(st.body.ordersByClientId).toEqual({ dup: 1, other: 1 });
    const open = await signed(s.restBase, "GET", "openOrders", { symbol: "BTCUSDT" });
    expect(open.body.map((o: any) => o.clientOrderId)).toEqual(["dup", "other"]);
  });

  it("keeps client ids unique among open orders only: reusable once the order filled or was canceled", async () => {
    const s = await session({ partials: 0 });
    const mk = (id: string) => signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: id });
    const first = await mk("intent");
    const second = await mk("intent");
    expect([first.body.status, second.body.status]).toEqual(["FILLED", "FILLED"]);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    const q = await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "intent" });
    expect(q.body.orderId).toBe(second.body.orderId); // the newest order with that id
    const both = await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", orderId: first.body.orderId, origClientOrderId: "intent" });
    expect(both.body.orderId).toBe(first.body.orderId);
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", orderId: first.body.orderId, origClientOrderId: "other" })).body.code).toBe(-2013);

    const limit = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "50000.00", newClientOrderId: "resting" };
    await signed(s.restBase, "POST", "order", limit);
    await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "resting" });
    expect((await signed(s.restBase, "POST", "order", limit)).body.status).toBe("NEW");
    // A partly filled order is still open: its id stays taken.
    s.fault({ type: "delayed_fill", count: 1, parts: 2 });
    await mk("partial");
    await s.advance(1);
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "partial" })).body.status).toBe("PARTIALLY_FILLED");
    expect((await mk("partial")).body).toEqual({ code: -2010, msg: "Duplicate order sent." });
    expect((await getJson(`${s.restBase}/sim/state`)).body.ordersByClientId).toEqual({ intent: 2, resting: 2, partial: 1 });
  });

  it("GET sim/state lists orders with type, stopPrice and fills, every trade, balances and ordersByClientId", async () => {
    const s = await session({ fillParts: 2, balances: { USDT: 1000, BTC: 0.01 } });
    const p = close0();
    await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "m" });
    await signed(s.restBase, "POST", "order", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_LOSS_LIMIT",
      timeInForce: "GTC",
      quantity: "0.005",
      stopPrice: "90000.00",
      price: "89000.00",
      newClientOrderId: "sl",
    });
    const st = (await getJson(`${s.restBase}/sim/state`)).body;
    expect(st.orders).toHaveLength(2);
    expect(st.orders[0]).toMatchObject({ clientOrderId: "m", type: "MARKET", status: "FILLED", stopPrice: "0.00000000", executedQty: "0.00100000" });
    expect(st.orders[0].fills.map((f: any) => [f.id, f.qty, f.price, f.commissionAsset])).toEqual([
      [1, "0.00050000", p.toFixed(8), "BTC"],
      [2, "0.00050000", p.toFixed(8), "BTC"],
    ]);
    expect(st.orders[1]).toMatchObject({ clientOrderId: "sl", type: "STOP_LOSS_LIMIT", status: "NEW", stopPrice: "90000.00000000", isWorking: false, workingTime: -1, fills: [] });
    expect(st.trades.map((t: any) => [t.id, t.orderId, t.symbol])).toEqual([
      [1, 1, "BTCUSDT"],
      [2, 1, "BTCUSDT"],
    ]);
    expect(st.balances).toEqual([
      { asset: "USDT", free: Math.round((1000 - 0.001 * p) * 1e8) / 1e8, locked: 0 },
      { asset: "BTC", free: 0.005999, locked: 0.005 },
    ]);
    expect(st.ordersByClientId).toEqual({ m: 1, sl: 1 });
    expect(st.faults).toMatchObject({ requests: [], delayedFills: [], duplicateFillReports: 0 });
    expect(st.fillParts).toBe(2);
  });

  it("rests a LIMIT order, locks its funds, and fills it at the limit price when the path reaches it", async () => {
    const s = await session();
    const next = loadCandleRange("BTCUSDT", "1m", START + 60_000, START + 11 * 60_000);
    const target = Math.min(...next.map((c) => c.l));
    expect(target).toBeLessThan(close0());
    const price = (Math.ceil(target * 100) / 100).toFixed(2);
    const r = await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price });
    expect(r.body).toMatchObject({ status: "NEW", executedQty: "0.00000000", fills: [] });
    expect((await balances(s)).USDT.locked).toBe((0.01 * Number(price)).toFixed(8));
    await s.advance(10);
    const q = await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", orderId: r.body.orderId });
    expect(q.body).toMatchObject({ status: "FILLED", executedQty: "0.01000000", price: `${price}000000` });
    const b = await balances(s);
    expect(b.USDT.locked).toBe("0.00000000");
    expect(b.BTC.free).toBe("0.00999000");
  });

  it("fills a marketable LIMIT order at once at the current price, and expires a non-marketable IOC", async () => {
    const s = await session();
    const p = close0();
    const above = (Math.round(p * 1.01 * 100) / 100).toFixed(2);
    const r = await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: above });
    expect(r.body).toMatchObject({ status: "FILLED", price: `${above}000000`, fills: [{ price: p.toFixed(8) }] });
    const ioc = await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "IOC", quantity: "0.001", price: "50000.00" });
    expect(ioc.body).toMatchObject({ status: "EXPIRED", executedQty: "0.00000000" });
  });

  it("cancels an open order and reports -2011 / -2013 for unknown orders", async () => {
    const s = await session();
    const r = await signed(s.restBase, "POST", "order", { symbol: "ETHUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price: "1000.00", newClientOrderId: "c1" });
    const del = await signed(s.restBase, "DELETE", "order", { symbol: "ETHUSDT", origClientOrderId: "c1" });
    expect(del.body).toMatchObject({ origClientOrderId: "c1", orderId: r.body.orderId, status: "CANCELED" });
    expect((await balances(s)).USDT).toEqual({ asset: "USDT", free: "10000.00000000", locked: "0.00000000" });
    expect(await signed(s.restBase, "DELETE", "order", { symbol: "ETHUSDT", orderId: r.body.orderId })).toEqual({
      status: 400,
      body: { code: -2011, msg: "Unknown order sent." },
    });
    expect(await signed(s.restBase, "GET", "order", { symbol: "ETHUSDT", orderId: 999 })).toEqual({
      status: 400,
      body: { code: -2013, msg: "Order does not exist." },
    });
    const all = await signed(s.restBase, "GET", "allOrders", { symbol: "ETHUSDT" });
    expect(all.body.map((o: any) => o.status)).toEqual(["CANCELED"]);
  });

  it("enforces LOT_SIZE, NOTIONAL and balance with Binance's codes and messages", async () => {
    const s = await session({ balances: { USDT: 100 } });
    const mk = (extra: Record<string, string>) => signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", ...extra });
    expect((await mk({ quantity: "0.000015" })).body).toEqual({ code: -1013, msg: "Filter failure: LOT_SIZE" });
    expect((await mk({ quantity: "0.00001" })).body).toEqual({ code: -1013, msg: "Filter failure: NOTIONAL" });
    expect(await mk({ quantity: "0.01" })).toEqual({ status: 400, body: { code: -2010, msg: "Account has insufficient balance for requested action." } });
    const sell = await signed(s.restBase, "POST", "order", { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "0.01" });
    expect(sell.body.code).toBe(-2010);
    expect((await mk({ quoteOrderQty: "50" })).body.status).toBe("FILLED");
    const st = await getJson(`${s.restBase}/sim/state`);
    expect(Object.values(st.body.ordersByClientId)).toEqual([1]);
  });
});
