import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange, loadFunding } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { firstLevel, getJson, iso } from "./helpers";

/**
 * Proof that an unmodified ccxt binanceusdm client trades USD-M perpetuals against the simulator. Quirks met:
 * - every fapi URL key (v1, v2, v3, data) is pointed at the session; ccxt reads positions and balances from
 *   /fapi/v3 by default and loads /fapi/v1/leverageBracket before positions; `useV2` makes positionRisk carry leverage.
 * - ccxt sends conditional orders (triggerPrice) to Binance's Algo Order API (`/fapi/v1/algoOrder`), not `/fapi/v1/order`.
 * - ccxt picks its USD-M error map by the URL's hostname (fapi.binance.com), so against a local URL only the common
 *   map applies (where -2022 is a plain ExchangeError); the test adds the linear map to the common one, as configuration.
 */
const SYMBOL = "BTC/USDT:USDT";
const MIN = 60_000;

function client(s: Session): InstanceType<typeof ccxt.binanceusdm> {
  const ex = new ccxt.binanceusdm({
    apiKey: "sim-key",
    secret: "sim-secret",
    enableRateLimit: false,
    options: { fetchCurrencies: false, fetchPositionsRisk: { useV2: true } },
  });
  const api = ex.urls["api"] as Record<string, string>;
  for (const k of ["fapiPublic", "fapiPrivate"]) api[k] = `${s.restBase}/fapi/v1`;
  for (const k of ["fapiPublicV2", "fapiPrivateV2"]) api[k] = `${s.restBase}/fapi/v2`;
  for (const k of ["fapiPublicV3", "fapiPrivateV3"]) api[k] = `${s.restBase}/fapi/v3`;
  api["fapiData"] = `${s.restBase}/futures/data`;
  const exc = ex.exceptions as { exact: Record<string, unknown>; linear: { exact: Record<string, unknown> } };
  exc.exact = { ...exc.exact, ...exc.linear.exact };
  return ex;
}

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

describe("ccxt binanceusdm against the simulator", () => {
  const START = iso("2025-06-03T10:00:00Z");
  let s: Session;
  let ex: InstanceType<typeof ccxt.binanceusdm>;
  const closeAt = (minute: number) => loadCandleRange("BTCUSDT", "1m", START + minute * MIN, START + (minute + 1) * MIN)[0]!.c;

  beforeAll(async () => {
    s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], partials: 0 });
    await s.advance(30);
    ex = client(s);
  });

  it("loads the session's symbols as linear USDT perpetuals with precision and limits from exchangeInfo", async () => {
    const markets = await ex.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(["BTC/USDT:USDT", "ETH/USDT:USDT"]);
    expect(markets[SYMBOL]).toMatchObject({ id: "BTCUSDT", swap: true, linear: true, settle: "USDT", active: true, precision: { amount: 0.001, price: 0.01 } });
    expect(markets[SYMBOL]!.limits.cost?.min).toBe(100);
  });

  it("sets leverage and isolated margin; setting the same margin mode again is Binance's -4046", async () => {
    expect(await ex.setLeverage(2, SYMBOL)).toMatchObject({ leverage: 2, symbol: "BTCUSDT" });
    expect(await ex.setMarginMode("isolated", SYMBOL)).toMatchObject({ code: 200 });
    await expect(ex.setMarginMode("isolated", SYMBOL)).rejects.toBeInstanceOf(ccxt.MarginModeAlreadySet);
  });

  it("opens a short with a market sell, shows it in fetchPositions, closes it reduce-only and lists both fills", async () => {
    const price = closeAt(29);
    const sell = await ex.createOrder(SYMBOL, "market", "sell", 0.01);
    expect(sell).toMatchObject({ status: "closed", filled: 0.01, average: price, side: "sell", reduceOnly: false });
    const [pos, ...rest] = await ex.fetchPositions([SYMBOL]);
    expect(rest).toEqual([]);
    expect(pos).toMatchObject({ symbol: SYMBOL, side: "short", contracts: 0.01, leverage: 2, marginMode: "isolated", entryPrice: price });
    expect(pos!.liquidationPrice).toBeCloseTo((price * 1.5) / 1.004, 6);
    expect(pos!.collateral).toBeCloseTo((0.01 * price) / 2, 6);

    await expect(ex.createOrder(SYMBOL, "market", "sell", 0.01, undefined, { reduceOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    const buy = await ex.createOrder(SYMBOL, "market", "buy", 0.02, undefined, { reduceOnly: true });
    expect(buy).toMatchObject({ status: "closed", filled: 0.01, side: "buy", reduceOnly: true });
    expect(await ex.fetchPositions([SYMBOL])).toEqual([]);

    const trades = await ex.fetchMyTrades(SYMBOL);
    expect(trades.map((t) => [t.side, t.amount, t.price, t.order])).toEqual([
      ["sell", 0.01, price, sell.id],
      ["buy", 0.01, price, buy.id],
    ]);
    expect(trades[0]!.fee?.cost).toBeCloseTo(0.01 * price * 0.0005, 8);
    const balance = await ex.fetchBalance();
    expect(balance["USDT"]?.total).toBeCloseTo(10_000 - 2 * 0.01 * price * 0.0005, 8);
  });

  it("rests a reduce-only stop-market (algo) order and fills it when the replay crosses the trigger", async () => {
    await s.advance(1);
    const price = closeAt(30);
    await ex.createOrder(SYMBOL, "market", "sell", 0.01);
    const ahead = loadCandleRange("BTCUSDT", "1m", START + 31 * MIN, START + 91 * MIN);
    const high = Math.max(...ahead.map((c) => c.h));
    expect(high).toBeGreaterThan(price + 20);
    const trigger = Math.round((price + (high - price) / 2) * 100) / 100;
    const stop = await ex.createOrder(SYMBOL, "market", "buy", 0.01, undefined, { triggerPrice: trigger, reduceOnly: true });
    expect(stop).toMatchObject({ status: "open", type: "market", triggerPrice: trigger, reduceOnly: true });
    expect(stop.info).toMatchObject({ algoType: "CONDITIONAL", orderType: "STOP_MARKET", algoStatus: "NEW" });
    expect((await ex.fetchOpenOrders(SYMBOL, undefined, undefined, { trigger: true })).map((o) => o.id)).toEqual([stop.id]);

    await s.advance(60);
    const fill = firstLevel(ahead, (p) => p >= trigger)!;
    const done = await ex.fetchOrder(stop.id!, SYMBOL, { trigger: true });
    expect(done.status).toBe("closed");
    expect(done.info["actualPrice"]).toBe(fill.price.toFixed(8));
    expect(await ex.fetchOpenOrders(SYMBOL, undefined, undefined, { trigger: true })).toEqual([]);
    const last = (await ex.fetchMyTrades(SYMBOL)).at(-1)!;
    expect(last).toMatchObject({ side: "buy", amount: 0.01, price: fill.price, timestamp: START + (31 + fill.minute + 1) * MIN });
    expect(await ex.fetchPositions([SYMBOL])).toEqual([]);
  });
});

describe("ccxt binanceusdm: funding and liquidation", () => {
  it("settles funding on an open short at the shipped settlement time: rate × notional, to the wallet", async () => {
    const START = iso("2025-06-03T07:50:00Z");
    const settle = iso("2025-06-03T08:00:00Z");
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0 });
    const ex = client(s);
    await ex.loadMarkets();
    await ex.createOrder(SYMBOL, "market", "sell", 0.01);
    const before = (await ex.fetchBalance())["USDT"]!.free!;
    const walletBefore = Number((await ex.fetchBalance()).info["totalWalletBalance"]);
    await s.advance(15);
    const rate = loadFunding("BTCUSDT").find((f) => f.t === settle)!.rate;
    const mark = loadCandleRange("BTCUSDT", "1m", settle - MIN, settle)[0]!.c;
    const expected = rate * 0.01 * mark;
    expect(rate).not.toBe(0);
    const history = await ex.fetchFundingHistory(SYMBOL);
    expect(history).toHaveLength(1);
    expect(history[0]!.timestamp).toBe(settle);
    expect(history[0]!.amount).toBeCloseTo(expected, 8);
    const walletAfter = Number((await ex.fetchBalance()).info["totalWalletBalance"]);
    expect(walletAfter - walletBefore).toBeCloseTo(expected, 8);
    expect(before).toBeGreaterThan(0);
  });

  it("liquidates a 50x isolated short once when ETH jumps +2.1 % in a minute, losing exactly its isolated margin", async () => {
    const START = iso("2026-03-28T13:40:00Z");
    const s = sim.createSession({ start: START, symbols: ["ETHUSDT"], partials: 0 });
    const ex = client(s);
    const eth = "ETH/USDT:USDT";
    await ex.loadMarkets();
    await ex.setLeverage(50, eth);
    await ex.setMarginMode("isolated", eth);
    const candle = loadCandleRange("ETHUSDT", "1m", START, START + MIN)[0]!;
    await ex.createOrder(eth, "market", "sell", 0.1);
    const [pos] = await ex.fetchPositions([eth]);
    const margin = (0.1 * candle.o) / 50;
    expect(pos!.collateral).toBeCloseTo(margin, 8);
    const lp = pos!.liquidationPrice!;
    expect(lp).toBeCloseTo((candle.o * 1.02) / 1.004, 6);
    expect(candle.h).toBeGreaterThan(lp);

    await s.advance(5);
    expect(await ex.fetchPositions([eth])).toEqual([]);
    const trades = await ex.fetchMyTrades(eth);
    expect(trades).toHaveLength(2);
    expect(trades[1]).toMatchObject({ side: "buy", amount: 0.1, price: lp, timestamp: START + MIN });
    const state = (await getJson(`${s.restBase}/sim/state`)).body.futures;
    const auto = state.orders.filter((o: any) => o.clientOrderId.startsWith("autoclose-"));
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatchObject({ status: "FILLED", side: "BUY", executedQty: "0.10000000" });
    const pnl = state.income.filter((i: any) => i.incomeType === "REALIZED_PNL");
    expect(pnl.map((i: any) => Number(i.income))).toEqual([-Math.round(margin * 1e8) / 1e8]);
    const wallet = Number((await ex.fetchBalance()).info["totalWalletBalance"]);
    expect(wallet).toBeCloseTo(10_000 - 0.1 * candle.o * 0.0005 - margin, 8);
  });
});
