import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { sign, startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { firstLevel, getJson, iso } from "./helpers";

/** A SIGNED USD-M call: `path` after `/fapi/` (e.g. "v1/order", "v2/positionRisk"), params in the query (GET/DELETE) or body (POST). */
async function fapi(s: Session, method: "GET" | "POST" | "DELETE", path: string, params: Record<string, string | number> = {}, key = "sim-key"): Promise<{ status: number; body: any }> {
  const q = new URLSearchParams(Object.entries({ ...params, timestamp: Date.now() }).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const full = `${q}&signature=${sign("sim-secret", q)}`;
  const r = await fetch(`${s.restBase}/fapi/${path}` + (method === "POST" ? "" : `?${full}`), {
    method,
    headers: { "X-MBX-APIKEY": key, ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    body: method === "POST" ? full : undefined,
  });
  return { status: r.status, body: await r.json() };
}

const MIN = 60_000;
const START = iso("2025-06-03T10:00:00Z");
let sim: ExchangeSim;
let s: Session;
const closeAt = (minute: number) => loadCandleRange("BTCUSDT", "1m", START + minute * MIN, START + (minute + 1) * MIN)[0]!.c;

beforeAll(async () => {
  sim = await startExchangeSim();
  s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], partials: 0 });
  await s.advance(10);
});
afterAll(() => sim.close());

describe("USD-M futures REST", () => {
  it("describes the symbols as PERPETUAL USDT-margined contracts in Binance's futures exchangeInfo format", async () => {
    const { body } = await getJson(`${s.restBase}/fapi/v1/exchangeInfo`);
    expect(body.symbols.map((x: any) => x.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    const btc = body.symbols[0];
    expect(btc).toMatchObject({ pair: "BTCUSDT", contractType: "PERPETUAL", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT", marginAsset: "USDT", pricePrecision: 2, quantityPrecision: 3 });
    const f = Object.fromEntries(btc.filters.map((x: any) => [x.filterType, x]));
    expect(f.PRICE_FILTER.tickSize).toBe("0.01");
    expect(f.LOT_SIZE).toMatchObject({ minQty: "0.001", stepSize: "0.001" });
    expect(f.MARKET_LOT_SIZE.stepSize).toBe("0.001");
    expect(f.MIN_NOTIONAL.notional).toBe("100");
    expect(body.symbols[1].filters.find((x: any) => x.filterType === "MIN_NOTIONAL").notional).toBe("20");
  });

  it("routes /fapi/v2 and /fapi/v3 signed like spot; unknown paths answer Binance's unknown endpoint", async () => {
    expect((await getJson(`${s.restBase}/fapi/v2/nope`)).body).toEqual({ code: -1000, msg: "Unknown endpoint: v2/nope" });
    expect((await getJson(`${s.restBase}/fapi/v2/positionRisk`)).body.code).toBe(-2014);
    expect((await fapi(s, "GET", "v2/positionRisk", {}, "other")).body.code).toBe(-2015);
    const bad = await fetch(`${s.restBase}/fapi/v2/balance?timestamp=${Date.now()}&signature=00`, { headers: { "X-MBX-APIKEY": "sim-key" } });
    expect(((await bad.json()) as { code: number }).code).toBe(-1022);
    const stale = await fetch(`${s.restBase}/fapi/v2/balance?timestamp=1&signature=${sign("sim-secret", "timestamp=1")}`, { headers: { "X-MBX-APIKEY": "sim-key" } });
    expect(((await stale.json()) as { code: number }).code).toBe(-1021);
    const bal = await fapi(s, "GET", "v2/balance");
    expect(bal.body).toEqual([expect.objectContaining({ asset: "USDT", balance: "10000.00000000", availableBalance: "10000.00000000" })]);
    expect((await getJson(`${s.restBase}/sim/state`)).body.requests).toMatchObject({ "GET fapi/v2/balance": 3, "GET fapi/v2/nope": 1 });
  });

  it("sets leverage (1..125) and margin type, with Binance's -4028 and -4046", async () => {
    expect((await fapi(s, "POST", "v1/leverage", { symbol: "ETHUSDT", leverage: 0 })).body.code).toBe(-4028);
    expect((await fapi(s, "POST", "v1/leverage", { symbol: "ETHUSDT", leverage: 5 })).body).toEqual({ leverage: 5, maxNotionalValue: "1000000000", symbol: "ETHUSDT" });
    expect((await fapi(s, "POST", "v1/marginType", { symbol: "ETHUSDT", marginType: "CROSSED" })).body).toEqual({ code: -4046, msg: "No need to change margin type." });
    expect((await fapi(s, "POST", "v1/marginType", { symbol: "ETHUSDT", marginType: "ISOLATED" })).body).toEqual({ code: 200, msg: "success" });
    const [eth] = (await fapi(s, "GET", "v2/positionRisk", { symbol: "ETHUSDT" })).body;
    expect(eth).toMatchObject({ symbol: "ETHUSDT", positionAmt: "0.00000000", leverage: "5", marginType: "isolated", positionSide: "BOTH", liquidationPrice: "0.00000000" });
  });

  it("refuses orders the way Binance futures does", async () => {
    const order = (p: Record<string, string | number>) => fapi(s, "POST", "v1/order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", ...p });
    expect((await order({ symbol: "ETHUSDT", quantity: 0.005 })).body).toEqual({ code: -4164, msg: "Order's notional must be no smaller than 20 (unless you choose reduce only)." });
    expect((await order({ quantity: 0.0015 })).body.code).toBe(-1111);
    expect((await order({ quantity: 0.01, reduceOnly: "true" })).body).toEqual({ code: -2022, msg: "ReduceOnly Order is rejected." });
    expect((await order({ quantity: 500 })).body).toEqual({ code: -2019, msg: "Margin is insufficient." });
    expect((await order({ type: "STOP_MARKET", quantity: 0.01, stopPrice: closeAt(9) - 100 })).body).toEqual({ code: -2021, msg: "Order would immediately trigger." });
    expect((await order({ type: "LIMIT", quantity: 0.01 })).body.code).toBe(-1116);
    expect((await getJson(`${s.restBase}/sim/state`)).body.futures.orders).toEqual([]);
  });

  it("fills a MARKET order at the replay price: ACK by default, RESULT on request, queryable, with position, balance and account", async () => {
    const price = closeAt(9);
    const ack = await fapi(s, "POST", "v1/order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: 0.01, newClientOrderId: "long-1" });
    expect(ack.body).toMatchObject({ clientOrderId: "long-1", status: "NEW", executedQty: "0.00000000", type: "MARKET", side: "BUY", positionSide: "BOTH" });
    const q = await fapi(s, "GET", "v1/order", { symbol: "BTCUSDT", origClientOrderId: "long-1" });
    expect(q.body).toMatchObject({
      orderId: ack.body.orderId,
      status: "FILLED",
      executedQty: "0.01000000",
      avgPrice: price.toFixed(8),
      cumQuote: (price * 0.01).toFixed(8),
      reduceOnly: false,
      closePosition: false,
      time: START + 10 * MIN,
    });
    const res = await fapi(s, "POST", "v1/order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: 0.01, newOrderRespType: "RESULT" });
    expect(res.body).toMatchObject({ status: "FILLED", executedQty: "0.01000000" });
    expect((await fapi(s, "GET", "v1/order", { symbol: "BTCUSDT", orderId: 999 })).body.code).toBe(-2013);

    await s.advance(1);
    const mark = closeAt(10);
    const [pos] = (await fapi(s, "GET", "v2/positionRisk", { symbol: "BTCUSDT" })).body;
    expect(pos).toMatchObject({ positionAmt: "0.02000000", entryPrice: price.toFixed(8), markPrice: mark.toFixed(8), leverage: "20", marginType: "cross", isolatedMargin: "0.00000000" });
    expect(Number(pos.unRealizedProfit)).toBeCloseTo(0.02 * (mark - price), 8);
    expect(Number(pos.notional)).toBeCloseTo(0.02 * mark, 8);
    const fee = 0.02 * price * 0.0005;
    const acct = (await fapi(s, "GET", "v2/account")).body;
    expect(Number(acct.totalWalletBalance)).toBeCloseTo(10_000 - fee, 8);
    expect(Number(acct.availableBalance)).toBeCloseTo(10_000 - fee + 0.02 * (mark - price) - (0.02 * mark) / 20, 6);
    expect(acct.positions.find((p: any) => p.symbol === "BTCUSDT").positionAmt).toBe("0.02000000");
    const v3 = (await fapi(s, "GET", "v3/positionRisk")).body;
    expect(v3.map((p: any) => p.symbol)).toEqual(["BTCUSDT"]);
    expect(v3[0].leverage).toBeUndefined();
    const income = (await fapi(s, "GET", "v1/income", { incomeType: "COMMISSION" })).body;
    expect(income.map((i: any) => Number(i.income))).toEqual([-(0.01 * price * 0.0005), -(0.01 * price * 0.0005)].map((x) => Math.round(x * 1e8) / 1e8));
  });

  it("rests a STOP_MARKET order on /fapi/v1/order, refuses a duplicate client id (-4116), cancels, and triggers one that the replay crosses", async () => {
    await s.advance(1);
    const price = closeAt(11);
    const far = { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: 0.01, stopPrice: Math.round(price * 0.5), reduceOnly: "true", newClientOrderId: "sl-1" };
    const placed = await fapi(s, "POST", "v1/order", far);
    expect(placed.body).toMatchObject({ status: "NEW", type: "STOP_MARKET", stopPrice: Math.round(price * 0.5).toFixed(8), reduceOnly: true });
    expect((await fapi(s, "POST", "v1/order", far)).body).toEqual({ code: -4116, msg: "ClientOrderId is duplicated." });
    expect((await fapi(s, "GET", "v1/openOrders", { symbol: "BTCUSDT" })).body.map((o: any) => o.clientOrderId)).toEqual(["sl-1"]);
    expect((await fapi(s, "DELETE", "v1/order", { symbol: "BTCUSDT", origClientOrderId: "sl-1" })).body.status).toBe("CANCELED");
    expect((await fapi(s, "DELETE", "v1/order", { symbol: "BTCUSDT", origClientOrderId: "sl-1" })).body.code).toBe(-2011);

    const ahead = loadCandleRange("BTCUSDT", "1m", START + 12 * MIN, START + 192 * MIN);
    const low = Math.min(...ahead.map((c) => c.l));
    expect(low).toBeLessThan(price - 20);
    const stop = Math.round((price - (price - low) / 2) * 100) / 100;
    const closeAll = await fapi(s, "POST", "v1/order", { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", stopPrice: stop, closePosition: "true" });
    expect(closeAll.body).toMatchObject({ status: "NEW", closePosition: true, origQty: "0.00000000" });
    await s.advance(180);
    const hit = firstLevel(ahead, (p) => p <= stop)!;
    const done = (await fapi(s, "GET", "v1/order", { symbol: "BTCUSDT", orderId: closeAll.body.orderId })).body;
    expect(done).toMatchObject({ status: "FILLED", type: "STOP_MARKET", executedQty: "0.02000000", avgPrice: hit.price.toFixed(8), updateTime: START + (12 + hit.minute + 1) * MIN });
    expect((await fapi(s, "GET", "v2/positionRisk", { symbol: "BTCUSDT" })).body[0].positionAmt).toBe("0.00000000");
    const trades = (await fapi(s, "GET", "v1/userTrades", { symbol: "BTCUSDT" })).body;
    expect(trades.at(-1)).toMatchObject({ side: "SELL", qty: "0.02000000", price: hit.price.toFixed(8), positionSide: "BOTH", maker: false, buyer: false });
    const entry = closeAt(9);
    expect(Number(trades.at(-1).realizedPnl)).toBeCloseTo(0.02 * (hit.price - entry), 8);
    const state = (await getJson(`${s.restBase}/sim/state`)).body;
    expect(state.futures.positions).toEqual([]);
    expect(state.balances).toEqual([{ asset: "USDT", free: 10_000, locked: 0 }]);
  });
});
