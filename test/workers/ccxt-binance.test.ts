import { describe, expect, it } from "vitest";
import { binanceVenue, createBinanceClient } from "../../src/adapters/exchange/ccxt-binance";
import { RateLimitedError, governorFor } from "../../src/adapters/exchange/rate-governor";
import { advance, createSession, simPost, simState } from "./support";

/**
 * The ccxt Binance client as the worker bundles it (only ccxt's binance classes, through the alias in
 * wrangler.toml / vitest.config.ts), running in workerd against a simulator session, every REST call
 * through the venue's rate governor.
 */
const START = "2025-06-03T10:00:00Z";

async function sessionWithPrices() {
  const session = await createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"] });
  await advance(session, 5);
  return session;
}

function simClient(restBase: string) {
  return createBinanceClient({ market: "spot", mode: "sim", restUrl: restBase, apiKey: "sim-key", secret: "sim-secret", timeoutMs: 5000 });
}

describe("ccxt binance (spot) in workerd against the simulator", () => {
  it("loads markets, places a market buy with a client order id, finds it by that id, and reads the balance", async () => {
    // given a client on a fresh simulator session
    const session = await sessionWithPrices();
    const ex = simClient(session.restBase);

    // when it loads markets and buys with a client order id
    const markets = await ex.loadMarkets();
    const order = await ex.createOrder("BTC/USDT", "market", "buy", 0.001, undefined, { clientOrderId: "ccxt-wk-1" });

    // then the order filled under that id, and fetching by client order id finds the same order
    expect(Object.keys(markets).sort()).toEqual(["BTC/USDT", "ETH/USDT"]);
    expect(order).toMatchObject({ clientOrderId: "ccxt-wk-1", status: "closed", filled: 0.001, side: "buy", type: "market" });
    const byClientId = await ex.fetchOrder(undefined as unknown as string, "BTC/USDT", { clientOrderId: "ccxt-wk-1" });
    expect(byClientId).toMatchObject({ id: order.id, clientOrderId: "ccxt-wk-1", status: "closed", filled: 0.001 });
    const byOrig = await ex.fetchOrder(undefined as unknown as string, "BTC/USDT", { origClientOrderId: "ccxt-wk-1" });
    expect(byOrig.id).toBe(order.id);
    // the fee is paid in the received asset (0.1 %)
    const balance = await ex.fetchBalance();
    expect(balance["BTC"]?.free).toBeCloseTo(0.000999, 9);
    expect(balance["USDT"]?.free).toBeLessThan(10_000);
    // and the exchange saw exactly one order with that id
    expect((await simState(session)).ordersByClientId).toEqual({ "ccxt-wk-1": 1 });
  });

  it("points each market and mode at its venue: sim at restUrl, spot testnet, USD-M demo, live", async () => {
    // given a session for the USD-M client's calls
    const session = await sessionWithPrices();
    const keys = { apiKey: "k", secret: "s", timeoutMs: 4000 };
    // when the clients are built
    const spotSim = simClient(session.restBase);
    const spotTestnet = createBinanceClient({ market: "spot", mode: "testnet", ...keys });
    const spotLive = createBinanceClient({ market: "spot", mode: "live", ...keys });
    const usdmSim = createBinanceClient({ market: "usdm", mode: "sim", restUrl: session.restBase, ...keys });
    const usdmTestnet = createBinanceClient({ market: "usdm", mode: "testnet", ...keys });
    const api = (c: { urls: Record<string, unknown> }) => c.urls["api"] as Record<string, string>;
    // then
    expect(api(spotSim)["private"]).toBe(`${session.restBase}/api/v3`);
    expect(api(spotTestnet)["public"]).toBe("https://testnet.binance.vision/api/v3");
    expect(api(spotLive)["private"]).toBe("https://api.binance.com/api/v3");
    expect(api(usdmSim)["fapiPublic"]).toBe(`${session.restBase}/fapi/v1`);
    expect(api(usdmSim)["fapiPrivateV2"]).toBe(`${session.restBase}/fapi/v2`);
    expect(api(usdmTestnet)["fapiPrivate"]).toBe("https://demo-fapi.binance.com/fapi/v1");
    expect(usdmSim.id).toBe("binanceusdm");
    expect(spotLive).toMatchObject({ id: "binance", enableRateLimit: false, timeout: 4000 });
    // and the USD-M class works in workerd: the simulator's /fapi/v1/time answers its replay time
    expect(await usdmSim.fetchTime()).toBe((await simState(session)).now);
  });

  it("counts the weight the venue reports and keeps the keys out of the instance's JSON", async () => {
    // given a client on a fresh session
    const session = await sessionWithPrices();
    const ex = simClient(session.restBase);
    const governor = governorFor(binanceVenue("spot", "sim", session.restBase));

    // when it loads markets (exchangeInfo: weight 20)
    await ex.loadMarkets();

    // then the governor counted at least what the simulator reported
    expect(governor.usedAt(Date.now())).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(Object.keys(ex))).not.toMatch(/"secret"|"apiKey"/);
    expect(ex.checkRequiredCredentials(false)).toBe(true);
  });

  it("after a 429 with Retry-After 1 s, refuses the next call locally for about a second instead of sending it", async () => {
    // given a client whose next REST call the venue answers 429, Retry-After: 1
    const session = await sessionWithPrices();
    const ex = simClient(session.restBase);
    await ex.loadMarkets();
    await simPost(session, "fault", { type: "http", status: 429, count: 1, retryAfterSec: 1 });

    // when it calls, and at once calls again
    const first = await ex.fetchTicker("BTC/USDT").catch((e: unknown) => e);
    const sent = Date.now();
    const second = await ex.fetchTicker("BTC/USDT").catch((e: unknown) => e);

    // then the first failed with ccxt's rate-limit error (-1003 maps to DDoSProtection, RateLimitExceeded's
    // parent), the second never left (RateLimitedError)
    expect((first as Error).name).toMatch(/^(DDoSProtection|RateLimitExceeded)$/);
    expect(second).toBeInstanceOf(RateLimitedError);
    const refusal = second as RateLimitedError;
    expect(refusal.reason).toBe("rate_limited");
    expect(refusal.waitMs).toBeGreaterThan(0);
    expect(refusal.waitMs).toBeLessThanOrEqual(1000);
    // the simulator's single fault was used by the first call only, so a sent second call would have succeeded
    const state = (await simState(session)) as unknown as { faults: { http: unknown } };
    expect(state.faults.http).toBeNull();

    // and once the Retry-After has passed the call goes through
    await new Promise((r) => setTimeout(r, Math.max(0, sent + refusal.waitMs - Date.now()) + 50));
    const ticker = await ex.fetchTicker("BTC/USDT");
    expect(ticker.last).toBeGreaterThan(0);
  });
});
