import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { getJson, iso, minuteLevels, signed } from "./helpers";

/**
 * Stop orders against the replayed path. Sessions use `partials: 0`, so each advanced minute is one tick whose
 * levels are the minute's l/h (or h/l) and close; a tick's event time is the minute's close.
 */
let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

const START = iso("2025-06-04T12:00:00Z");
const MIN = 60_000;
const candles = loadCandleRange("BTCUSDT", "1m", START, START + 120 * MIN);

/** A session advanced `minutes` minutes: the current price is the close of minute `minutes - 1`. */
async function session(minutes: number, extra: Record<string, unknown> = {}): Promise<Session> {
  const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0, balances: { USDT: 10_000, BTC: 0.1 }, ...extra });
  await s.advance(minutes);
  return s;
}

/** Every level the replay steps to after minute `from - 1`, with the minute it belongs to and its tick time. */
function levelsFrom(from: number): { minute: number; E: number; price: number }[] {
  return candles.slice(from).flatMap((c, i) => minuteLevels(c).map((price) => ({ minute: from + i, E: START + (from + i + 1) * MIN, price })));
}

const balances = async (s: Session) => Object.fromEntries((await signed(s.restBase, "GET", "account", {})).body.balances.map((b: any) => [b.asset, b]));
const order = (s: Session, id: number) => signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", orderId: id });
const sellStop = (type: "STOP_LOSS" | "STOP_LOSS_LIMIT", stop: string, extra: Record<string, string> = {}) => ({
  symbol: "BTCUSDT",
  side: "SELL",
  type,
  quantity: "0.01",
  stopPrice: stop,
  ...(type === "STOP_LOSS_LIMIT" && { timeInForce: "GTC" }),
  ...extra,
});

describe("STOP_LOSS_LIMIT", () => {
  it("locks the base while it waits, triggers when the path's low reaches stopPrice and fills as a marketable limit", async () => {
    const s = await session(4);
    const now = candles[3]!.c;
    const stop = 105_050;
    expect(stop).toBeLessThan(now);
    const hit = levelsFrom(4).find((l) => l.price <= stop)!;
    expect(hit.minute).toBeGreaterThan(6); // leaves room to see it wait
    const placed = await signed(s.restBase, "POST", "order", { ...sellStop("STOP_LOSS_LIMIT", "105050.00", { price: "104000.00" }), newClientOrderId: "sl-1" });
    // Binance answers non-MARKET/LIMIT orders with ACK unless newOrderRespType says otherwise.
    expect(placed.body).toEqual({ symbol: "BTCUSDT", orderId: 1, orderListId: -1, clientOrderId: "sl-1", transactTime: START + 4 * MIN });
    const open = await signed(s.restBase, "GET", "openOrders", { symbol: "BTCUSDT" });
    expect(open.body).toHaveLength(1);
    expect(open.body[0]).toMatchObject({
      type: "STOP_LOSS_LIMIT",
      side: "SELL",
      status: "NEW",
      stopPrice: "105050.00000000",
      price: "104000.00000000",
      origQty: "0.01000000",
      isWorking: false,
      workingTime: -1,
    });
    expect((await balances(s)).BTC).toEqual({ asset: "BTC", free: "0.09000000", locked: "0.01000000" });

    await s.advance(hit.minute - 4); // up to, not including, the trigger minute
    expect((await order(s, 1)).body).toMatchObject({ status: "NEW", isWorking: false, executedQty: "0.00000000" });
    await s.advance(1);
    const done = (await order(s, 1)).body;
    expect(done).toMatchObject({
      type: "STOP_LOSS_LIMIT",
      status: "FILLED",
      stopPrice: "105050.00000000",
      executedQty: "0.01000000",
      cummulativeQuoteQty: (0.01 * hit.price).toFixed(8),
      workingTime: hit.E,
      updateTime: hit.E,
      isWorking: false,
    });
    const trades = (await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT" })).body;
    expect(trades).toEqual([expect.objectContaining({ price: hit.price.toFixed(8), qty: "0.01000000", isMaker: false, isBuyer: false, time: hit.E })]);
    const b = await balances(s);
    expect(b.BTC).toEqual({ asset: "BTC", free: "0.09000000", locked: "0.00000000" });
    expect(Number(b.USDT.free)).toBeCloseTo(10_000 + 0.01 * hit.price * 0.999, 6);
  });

  it("rests at its limit after a trigger that gapped below it, then fills at the limit as maker", async () => {
    const s = await session(21);
    const limit = 104_950;
    const after = levelsFrom(21);
    const trigger = after.find((l) => l.price <= limit)!;
    const fill = after.slice(after.indexOf(trigger) + 1).find((l) => l.price >= limit)!;
    expect(trigger.price).toBeLessThan(limit);
    expect(fill.minute).toBeGreaterThan(trigger.minute);
    const placed = await signed(s.restBase, "POST", "order", { ...sellStop("STOP_LOSS_LIMIT", "104950.00", { price: "104950.00" }), newOrderRespType: "RESULT" });
    expect(placed.body).toMatchObject({ status: "NEW", type: "STOP_LOSS_LIMIT", stopPrice: "104950.00000000", workingTime: -1 });
    await s.advance(trigger.minute - 20);
    expect((await order(s, 1)).body).toMatchObject({ status: "NEW", isWorking: true, workingTime: trigger.E, executedQty: "0.00000000" });
    expect((await balances(s)).BTC.locked).toBe("0.01000000");
    await s.advance(fill.minute - trigger.minute);
    expect((await order(s, 1)).body).toMatchObject({ status: "FILLED", cummulativeQuoteQty: (0.01 * limit).toFixed(8), updateTime: fill.E });
    const [t] = (await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT" })).body;
    expect(t).toMatchObject({ price: "104950.00000000", isMaker: true, time: fill.E });
  });

  it("is canceled like any open order, releasing its locked funds; a BUY stop locks quote at its limit", async () => {
    const s = await session(4);
    const sell = await signed(s.restBase, "POST", "order", sellStop("STOP_LOSS_LIMIT", "105000.00", { price: "104990.00" }));
    const buy = await signed(s.restBase, "POST", "order", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "STOP_LOSS_LIMIT",
      timeInForce: "GTC",
      quantity: "0.01",
      stopPrice: "105500.00",
      price: "105600.00",
    });
    expect(buy.status).toBe(200);
    let b = await balances(s);
    expect(b.BTC.locked).toBe("0.01000000");
    expect(b.USDT).toEqual({ asset: "USDT", free: (10_000 - 1056).toFixed(8), locked: "1056.00000000" });
    const del = await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", orderId: sell.body.orderId });
    expect(del.body).toMatchObject({ status: "CANCELED", type: "STOP_LOSS_LIMIT", stopPrice: "105000.00000000" });
    await signed(s.restBase, "DELETE", "openOrders", { symbol: "BTCUSDT" });
    b = await balances(s);
    expect(b.BTC).toEqual({ asset: "BTC", free: "0.10000000", locked: "0.00000000" });
    expect(b.USDT).toEqual({ asset: "USDT", free: "10000.00000000", locked: "0.00000000" });
    expect((await signed(s.restBase, "GET", "openOrders", { symbol: "BTCUSDT" })).body).toEqual([]);
    const all = (await signed(s.restBase, "GET", "allOrders", { symbol: "BTCUSDT" })).body;
    expect(all.map((o: any) => [o.type, o.status, o.stopPrice])).toEqual([
      ["STOP_LOSS_LIMIT", "CANCELED", "105000.00000000"],
      ["STOP_LOSS_LIMIT", "CANCELED", "105500.00000000"],
    ]);
  });

  it("rejects stops that would trigger at once and parameters Binance does not take", async () => {
    const s = await session(4);
    const post = (p: Record<string, string>) => signed(s.restBase, "POST", "order", p);
    expect(await post(sellStop("STOP_LOSS_LIMIT", "105100.00", { price: "105000.00" }))).toEqual({
      status: 400,
      body: { code: -2010, msg: "Order would trigger immediately." },
    });
    expect((await post({ symbol: "BTCUSDT", side: "SELL", type: "STOP_LOSS_LIMIT", timeInForce: "GTC", quantity: "0.01", price: "1.00" })).body).toEqual({
      code: -1102,
      msg: "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!",
    });
    expect((await post({ symbol: "BTCUSDT", side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price: "106000.00", stopPrice: "1.00" })).body).toEqual({
      code: -1106,
      msg: "Parameter 'stopPrice' sent when not required.",
    });
    expect((await post(sellStop("STOP_LOSS", "105000.00", { price: "104000.00" }))).body.code).toBe(-1106);
    expect((await post(sellStop("STOP_LOSS", "105000.005"))).body).toEqual({ code: -1013, msg: "Filter failure: PRICE_FILTER" });
    expect((await post(sellStop("STOP_LOSS", "105000.00", { quantity: "0.2" }))).body.code).toBe(-2010);
    expect((await getJson(`${s.restBase}/sim/state`)).body.orders).toEqual([]);
  });
});

describe("STOP_LOSS", () => {
  it("becomes a market order when triggered: fills at the level that crossed stopPrice, in fillParts trades", async () => {
    const s = await session(4, { fillParts: 2 });
    const hit = levelsFrom(4).find((l) => l.price <= 105_050)!;
    const placed = await signed(s.restBase, "POST", "order", { ...sellStop("STOP_LOSS", "105050.00"), newOrderRespType: "FULL" });
    expect(placed.body).toMatchObject({ type: "STOP_LOSS", status: "NEW", price: "0.00000000", stopPrice: "105050.00000000", fills: [] });
    await s.advance(hit.minute - 3);
    const done = (await order(s, placed.body.orderId)).body;
    expect(done).toMatchObject({ status: "FILLED", type: "STOP_LOSS", executedQty: "0.01000000", workingTime: hit.E });
    const trades = (await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT" })).body;
    expect(trades.map((t: any) => [t.id, t.qty, t.price, t.isMaker])).toEqual([
      [1, "0.00500000", hit.price.toFixed(8), false],
      [2, "0.00500000", hit.price.toFixed(8), false],
    ]);
  });
});

describe("stop orders through ccxt", () => {
  it("ccxt places, lists, and cancels STOP_LOSS_LIMIT / STOP_LOSS orders unmodified; a triggered one comes back closed", async () => {
    const s = await session(4, { apiKey: "k", apiSecret: "s" });
    const ex = new ccxt.binance({
      apiKey: "k",
      secret: "s",
      enableRateLimit: false,
      options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false },
    });
    const api = ex.urls["api"] as Record<string, string>;
    for (const k of ["public", "private"]) api[k] = `${s.restBase}/api/v3`;
    const created = await ex.createOrder("BTC/USDT", "STOP_LOSS_LIMIT", "sell", 0.01, 104_000, { stopPrice: 105_050 });
    expect(created).toMatchObject({ status: "open", type: "limit", side: "sell", price: 104_000, triggerPrice: 105_050, amount: 0.01, filled: 0 });
    expect(created.info).toMatchObject({ type: "STOP_LOSS_LIMIT", stopPrice: "105050.00000000", workingTime: -1 });
    // ccxt turns a market order with a stopPrice into STOP_LOSS.
    const keep = await ex.createOrder("BTC/USDT", "market", "sell", 0.01, undefined, { stopPrice: 104_500, clientOrderId: "far-stop" });
    expect(keep.info).toMatchObject({ type: "STOP_LOSS", price: "0.00000000", stopPrice: "104500.00000000", status: "NEW" });
    const open = await ex.fetchOpenOrders("BTC/USDT");
    expect(open.map((o) => [o.id, o.triggerPrice])).toEqual([
      [created.id, 105_050],
      [keep.id, 104_500],
    ]);
    const canceled = await ex.cancelOrder(keep.id!, "BTC/USDT");
    expect(canceled.status).toBe("canceled");
    const hit = levelsFrom(4).find((l) => l.price <= 105_050)!;
    await s.advance(hit.minute - 3);
    const done = await ex.fetchOrder(created.id!, "BTC/USDT");
    expect(done).toMatchObject({ status: "closed", filled: 0.01, average: hit.price, triggerPrice: 105_050 });
    const state = (await getJson(`${s.restBase}/sim/state`)).body;
    expect(state.ordersByClientId["far-stop"]).toBe(1);
    expect((await ex.fetchBalance())["BTC"]).toMatchObject({ free: 0.09, used: 0 });
  });
});
