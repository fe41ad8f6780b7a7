import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { getJson, iso } from "./helpers";

/**
 * Proof that an unmodified ccxt binance client works against the simulator. ccxt needs only its `public`
 * (/api/v3) and `private` (/api/v3, signed) URLs; `fetchMargins: false` keeps loadMarkets from calling the
 * margin (sapi) endpoints it otherwise queries whenever credentials are set.
 */
let sim: ExchangeSim;
let s: Session;
let ex: InstanceType<typeof ccxt.binance>;
const START = iso("2025-06-03T10:00:00Z");

beforeAll(async () => {
  sim = await startExchangeSim();
  s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], apiKey: "ccxt-key", apiSecret: "ccxt-secret" });
  await s.advance(30);
  ex = new ccxt.binance({
    apiKey: "ccxt-key",
    secret: "ccxt-secret",
    enableRateLimit: false,
    options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false },
  });
  const api = ex.urls["api"] as Record<string, string>;
  for (const k of ["public", "private"]) api[k] = `${s.restBase}/api/v3`;
  api["v1"] = `${s.restBase}/api/v1`;
});
afterAll(() => sim.close());

describe("ccxt binance against the simulator", () => {
  it("loads spot markets with precision and limits taken from exchangeInfo", async () => {
    const markets = await ex.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(["BTC/USDT", "ETH/USDT"]);
    const btc = markets["BTC/USDT"]!;
    expect(btc).toMatchObject({ id: "BTCUSDT", spot: true, active: true, precision: { amount: 0.00001, price: 0.01 } });
    expect(btc.limits.cost?.min).toBe(5);
  });

  it("fetchOHLCV('BTC/USDT', '4h') returns the shipped 4h candles and the forming one last", async () => {
    const ohlcv = await ex.fetchOHLCV("BTC/USDT", "4h");
    expect(ohlcv).toHaveLength(500);
    const bucket = iso("2025-06-03T08:00:00Z");
    const shipped = loadCandleRange("BTCUSDT", "4h", bucket - 499 * 14_400_000, bucket);
    const closed = ohlcv.slice(0, -1);
    expect(closed.map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual(shipped.map((c) => [c.t, c.o, c.h, c.l, c.c]));
    const forming = ohlcv.at(-1)!;
    const m1 = loadCandleRange("BTCUSDT", "1m", bucket, START + 30 * 60_000);
    expect(forming[0]).toBe(bucket);
    expect(forming[4]).toBe(m1.at(-1)!.c);
    expect(forming[2]).toBe(Math.max(...m1.map((c) => c.h)));
  });

  it("fetchTicker reports the replay price", async () => {
    const t = await ex.fetchTicker("BTC/USDT");
    const last = loadCandleRange("BTCUSDT", "1m", START + 29 * 60_000, START + 30 * 60_000)[0]!.c;
    expect(t.last).toBe(last);
    expect(t.bid).toBe(last);
    expect(t.timestamp).toBe(START + 30 * 60_000);
  });

  it("creates a market order with a client order id and fetches it by id and by client id", async () => {
    const order = await ex.createOrder("BTC/USDT", "market", "buy", 0.001, undefined, { newClientOrderId: "ccxt-proof-1" });
    const last = loadCandleRange("BTCUSDT", "1m", START + 29 * 60_000, START + 30 * 60_000)[0]!.c;
    expect(order).toMatchObject({ clientOrderId: "ccxt-proof-1", status: "closed", filled: 0.001, average: last, side: "buy", type: "market" });
    expect(order.fee?.currency).toBe("BTC");
    const byId = await ex.fetchOrder(order.id!, "BTC/USDT");
    expect(byId).toMatchObject({ id: order.id, status: "closed", filled: 0.001, clientOrderId: "ccxt-proof-1" });
    const byClient = await ex.fetchOrder(undefined as unknown as string, "BTC/USDT", { clientOrderId: "ccxt-proof-1" });
    expect(byClient.id).toBe(order.id);
    const state = (await getJson(`${s.restBase}/sim/state`)).body;
    expect(state.ordersByClientId).toEqual({ "ccxt-proof-1": 1 });
  });

  it("maps simulator errors to ccxt's exception classes", async () => {
    await expect(ex.createOrder("BTC/USDT", "market", "buy", 5)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.fetchOrder("424242", "BTC/USDT")).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    const balance = await ex.fetchBalance();
    expect(balance["BTC"]?.free).toBeCloseTo(0.000999, 9);
  });
});
