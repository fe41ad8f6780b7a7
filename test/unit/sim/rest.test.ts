import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange, loadFunding } from "../../../sim/data/candles";
import { basisAt, liquidationsIn, openInterestAt, syntheticHistory } from "../../../sim/data/derivatives";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { getJson, iso } from "./helpers";

let sim: ExchangeSim;
let s: Session;
const START = iso("2025-06-03T00:00:00Z");
beforeAll(async () => {
  sim = await startExchangeSim();
  s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"] });
  await s.advance(5);
});
afterAll(() => sim.close());

const api = (path: string) => getJson(`${s.restBase}/api/v3/${path}`);
const lastClose = () => loadCandleRange("BTCUSDT", "1m", START + 4 * 60_000, START + 5 * 60_000)[0]!.c;

describe("public REST", () => {
  it("answers ping and reports replay time (not wall time) with a used-weight header on every response", async () => {
    expect((await api("ping")).body).toEqual({});
    const t = await api("time");
    expect(t.body).toEqual({ serverTime: START + 5 * 60_000 });
    expect(Number(t.headers.get("x-mbx-used-weight-1m"))).toBeGreaterThan(0);
    const err = await api("klines?symbol=NOPE&interval=1m");
    expect(err.headers.get("x-mbx-used-weight-1m")).not.toBeNull();
  });

  it("counts every REST call it received by method and path in sim/state", async () => {
    const other = sim.createSession({ start: START, symbols: ["BTCUSDT"] });
    await getJson(`${other.restBase}/api/v3/ping`);
    await getJson(`${other.restBase}/api/v3/ping`);
    await getJson(`${other.restBase}/api/v3/klines?symbol=NOPE&interval=1m`);
    expect((await getJson(`${other.restBase}/sim/state`)).body.requests).toEqual({ "GET ping": 2, "GET klines": 1 });
  });

  it("describes the session's symbols in Binance exchangeInfo shape with the filters orders are checked against", async () => {
    const { body } = await api("exchangeInfo");
    expect(body.timezone).toBe("UTC");
    expect(body.serverTime).toBe(START + 5 * 60_000);
    expect(body.exchangeFilters).toEqual([]);
    expect(body.symbols.map((x: any) => x.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    const btc = body.symbols[0];
    expect(btc).toMatchObject({ status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT", isSpotTradingAllowed: true, permissionSets: [["SPOT"]] });
    const f = Object.fromEntries(btc.filters.map((x: any) => [x.filterType, x]));
    expect(f.PRICE_FILTER.tickSize).toBe("0.01000000");
    expect(f.LOT_SIZE).toMatchObject({ minQty: "0.00001000", stepSize: "0.00001000" });
    expect(f.MARKET_LOT_SIZE.stepSize).toBe("0.00001000");
    expect(f.NOTIONAL.minNotional).toBe("5.00000000");
    const eth = await api(`exchangeInfo?symbols=${encodeURIComponent('["ETHUSDT"]')}`);
    expect(eth.body.symbols[0].filters[1].stepSize).toBe("0.00010000");
    expect((await api("exchangeInfo?symbol=SOLUSDT")).body).toEqual({ code: -1121, msg: "Invalid symbol." });
  });

  it("quotes the last revealed price in ticker/price and bookTicker (bid = ask = last, zero sizes)", async () => {
    const p = dec8(lastClose());
    expect((await api("ticker/price?symbol=BTCUSDT")).body).toEqual({ symbol: "BTCUSDT", price: p });
    expect((await api("ticker/price")).body).toHaveLength(2);
    expect((await api("ticker/bookTicker?symbol=BTCUSDT")).body).toEqual({
      symbol: "BTCUSDT",
      bidPrice: p,
      bidQty: "0.00000000",
      askPrice: p,
      askQty: "0.00000000",
    });
  });

  it("computes rolling 24h statistics from the data up to T", async () => {
    const { body } = await api("ticker/24hr?symbol=BTCUSDT");
    const day = loadCandleRange("BTCUSDT", "1m", START + 5 * 60_000 - 86_400_000, START + 5 * 60_000);
    expect(body.lastPrice).toBe(dec8(lastClose()));
    expect(body.openPrice).toBe(dec8(day[0]!.o));
    expect(body.highPrice).toBe(dec8(Math.max(...day.map((c) => c.h))));
    expect(body.lowPrice).toBe(dec8(Math.min(...day.map((c) => c.l))));
    expect(Number(body.volume)).toBeCloseTo(
      day.reduce((a, c) => a + c.v, 0),
      6,
    );
    expect(body).toMatchObject({ closeTime: START + 5 * 60_000, openTime: day[0]!.t, quoteVolume: "0.00000000", count: 0 });
    expect(body.priceChange).toBe(dec8(lastClose() - day[0]!.o));
  });

  it("answers bad requests with Binance error codes and HTTP 400", async () => {
    const cases: [string, number, string][] = [
      ["klines?symbol=XRPUSDT&interval=1m", -1121, "Invalid symbol."],
      ["klines?symbol=BTCUSDT&interval=7m", -1120, "Invalid interval."],
      ["klines?interval=1m", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
      ["klines?symbol=BTCUSDT", -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."],
    ];
    for (const [path, code, msg] of cases) {
      const r = await api(path);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code, msg });
    }
  });
});

describe("futures data", () => {
  it("lists funding rates from the shipped history, never after T", async () => {
    const { body } = await getJson(`${s.restBase}/fapi/v1/fundingRate?symbol=BTCUSDT&limit=3`);
    const shipped = loadFunding("BTCUSDT")
      .filter((f) => f.t <= START + 5 * 60_000)
      .slice(-3);
    expect(body).toEqual(shipped.map((f) => ({ symbol: "BTCUSDT", fundingTime: f.t, fundingRate: f.rate.toFixed(8), markPrice: "" })));
    const fwd = await getJson(`${s.restBase}/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${START - 86_400_000}`);
    expect(fwd.body.map((x: any) => x.fundingTime)).toEqual([START - 86_400_000, START - 57_600_000, START - 28_800_000, START]);
    expect((await getJson(`${s.restBase}/fapi/v1/fundingRate?symbol=BTCUSDT`)).body).toHaveLength(100);
  });

  it("gives premiumIndex with index = current spot price, the mark moved by the synthetic basis, and the latest visible funding rate", async () => {
    const { body } = await getJson(`${s.restBase}/fapi/v1/premiumIndex?symbol=BTCUSDT`);
    const last = loadFunding("BTCUSDT")
      .filter((f) => f.t <= START + 5 * 60_000)
      .at(-1)!;
    expect(body).toEqual({
      symbol: "BTCUSDT",
      synthetic: true,
      markPrice: dec8(lastClose() * (1 + basisAt("BTCUSDT", START + 5 * 60_000))),
      indexPrice: dec8(lastClose()),
      estimatedSettlePrice: dec8(lastClose()),
      lastFundingRate: last.rate.toFixed(8),
      interestRate: "0.00010000",
      nextFundingTime: START + 28_800_000,
      time: START + 5 * 60_000,
    });
  });
});

describe("synthetic derivatives statistics (sim/data/derivatives.ts), in Binance's formats", () => {
  const T = START + 5 * 60_000;
  const stats = (path: string) => getJson(`${s.restBase}/futures/data/${path}`);

  it("serves open interest history per period up to T, each value the generator's at its period's end, labelled synthetic", async () => {
    const { body } = await stats("openInterestHist?symbol=BTCUSDT&period=15m&limit=4");
    expect(body).toHaveLength(4);
    const lastEnd = Math.floor(T / 900_000) * 900_000;
    expect(body.map((r: any) => r.timestamp)).toEqual([lastEnd - 2_700_000, lastEnd - 1_800_000, lastEnd - 900_000, lastEnd]);
    for (const r of body) {
      expect(r).toMatchObject({ symbol: "BTCUSDT", synthetic: true });
      expect(r.timestamp).toBeLessThanOrEqual(T);
      expect(Number(r.sumOpenInterest)).toBeCloseTo(openInterestAt("BTCUSDT", r.timestamp - 1), 6);
    }
    const now = (await getJson(`${s.restBase}/fapi/v1/openInterest?symbol=BTCUSDT`)).body;
    expect(now).toEqual({ symbol: "BTCUSDT", openInterest: openInterestAt("BTCUSDT", T).toFixed(8), time: T, synthetic: true });
  });

  it("serves taker buy/sell ratios and top traders' long/short ratios per 5 minutes, the same series a backtest reads", async () => {
    const taker = (await stats("takerlongshortRatio?symbol=ETHUSDT&period=5m&limit=3")).body;
    const ls = (await stats("topLongShortPositionRatio?symbol=ETHUSDT&period=5m&limit=3")).body;
    const history = syntheticHistory("ETHUSDT", START - 3_600_000, T, () => 1);
    expect(taker.map((r: any) => [r.timestamp, Number(r.buySellRatio)])).toEqual(history.takerBuySellRatio.slice(-3).map((p) => [p.at, expect.closeTo(p.value, 7)]));
    expect(ls.map((r: any) => [r.timestamp, Number(r.longShortRatio)])).toEqual(history.longShortRatio.slice(-3).map((p) => [p.at, expect.closeTo(p.value, 7)]));
    expect(taker.every((r: any) => r.synthetic === true && Number(r.buyVol) / Number(r.sellVol) > 0)).toBe(true);
    expect(ls.every((r: any) => Math.abs(Number(r.longAccount) + Number(r.shortAccount) - 1) < 1e-7)).toBe(true);
  });

  it("serves forced orders of the last hour up to T only, and refuses a bad period or symbol like Binance", async () => {
    const { body } = await getJson(`${s.restBase}/fapi/v1/allForceOrders?symbol=BTCUSDT&startTime=${START - 86_400_000}&limit=100`);
    const want = liquidationsIn("BTCUSDT", START - 86_400_000, T + 1);
    expect(want.length).toBeGreaterThan(3);
    expect(body.map((r: any) => [r.time, r.side])).toEqual(want.map((l) => [l.at, l.side]));
    expect(body.every((r: any) => r.time <= T && r.status === "FILLED" && r.synthetic === true)).toBe(true);
    expect((await stats("openInterestHist?symbol=BTCUSDT&period=7m")).status).toBe(400);
    expect((await stats("openInterestHist?symbol=NOPE&period=5m")).status).toBe(400);
  });

  it("is deterministic: the same symbol and time give the same values, symbols differ", () => {
    expect(openInterestAt("BTCUSDT", T)).toBe(openInterestAt("BTCUSDT", T));
    expect(openInterestAt("BTCUSDT", T)).not.toBe(openInterestAt("ETHUSDT", T) / 25);
    expect(liquidationsIn("SOLUSDT", START, START + 86_400_000)).toEqual(liquidationsIn("SOLUSDT", START, START + 86_400_000));
  });
});

function dec8(n: number): string {
  return n.toFixed(8);
}
