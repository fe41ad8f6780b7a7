import { describe, expect, it } from "vitest";
import { CcxtBroker } from "../../src/adapters/exchange/ccxt-broker";
import { binanceVenue } from "../../src/adapters/exchange/ccxt-binance";
import { governorFor } from "../../src/adapters/exchange/rate-governor";
import type { OrderRecord } from "../../src/lib/execution/order";
import { advance, createSession, simState } from "../workers/support";

const entry = (cid: string): OrderRecord =>
  ({ clientOrderId: cid, symbol: "BTC/USDT", side: "buy", purpose: "entry", status: "intent", quoteQty: 100, qty: null, type: "market", reason: "test", createdAt: 0 }) as unknown as OrderRecord;

/**
 * A broker made while its venue is rate limited (a position rebuilt after an eviction, right after
 * another's 429) cannot load markets at first. It must load them once the limit ends; ccxt alone keeps
 * the failed load and refuses every order of that broker forever (the fault harness's two convergence
 * violations, seed 20261205 runs 69 and 495).
 */
describe("CcxtBroker markets", () => {
  it("a failed market load is retried: the order goes once the venue's back-off has passed", async () => {
    const session = await createSession({ start: "2026-03-26T10:00:00Z", symbols: ["BTCUSDT"] });
    await advance(session, 2);
    const broker = new CcxtBroker({ market: "spot", mode: "sim", restUrl: session.restBase, apiKey: "sim-key", secret: "sim-secret", timeoutMs: 5_000 });
    // The venue answered someone a 429 with Retry-After 1 s: the broker's first load is refused locally.
    governorFor(binanceVenue("spot", "sim", session.restBase)).observe(Date.now(), 429, { "retry-after": "1" });
    const refused = await broker.place(entry("cbm-1"));
    expect(refused).toMatchObject({ kind: "not_sent", reason: expect.stringMatching(/markets unavailable/) });
    await new Promise((r) => setTimeout(r, 1_100));
    const placed = await broker.place(entry("cbm-1"));
    expect(placed).toMatchObject({ kind: "order", order: { status: "FILLED" } });
    expect((await simState(session)).ordersByClientId).toEqual({ "cbm-1": 1 });
  });
});
