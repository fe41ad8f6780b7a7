import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { sign } from "../../../sim/exchange/signing";
import { getJson, iso, postJson, signed, signedRaw } from "./helpers";

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

async function session(): Promise<Session> {
  const s = sim.createSession({ start: iso("2025-06-04T12:00:00Z"), symbols: ["BTCUSDT"], partials: 0 });
  await s.advance(1);
  return s;
}
const market = (id: string) => ({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: id });
const limit = (id: string) => ({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "90000.00", newClientOrderId: id });
const state = async (s: Session) => (await getJson(`${s.restBase}/sim/state`)).body;

describe("http fault with a path filter", () => {
  it("fails only the matching calls, before executing them", async () => {
    const s = await session();
    await postJson(`${s.restBase}/sim/fault`, { type: "http", status: 503, count: 1, path: "POST order" });
    expect((await signed(s.restBase, "GET", "account", {})).status).toBe(200);
    expect((await signed(s.restBase, "GET", "openOrders", { symbol: "BTCUSDT" })).status).toBe(200);
    expect(await signed(s.restBase, "POST", "order", market("a"))).toEqual({
      status: 503,
      body: { code: -1008, msg: "Server is currently overloaded with other requests. Please try again in a few minutes." },
    });
    expect((await state(s)).orders).toEqual([]);
    expect((await signed(s.restBase, "POST", "order", market("a"))).body.status).toBe("FILLED");

    await signed(s.restBase, "POST", "order", limit("resting"));
    s.fault({ type: "http", status: 500, count: 1, path: "DELETE order" });
    expect((await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "resting" })).status).toBe(500);
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "resting" })).body.status).toBe("NEW");
    s.fault({ type: "http", status: 429, count: 1, path: "order" }); // any method
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "resting" })).status).toBe(429);
  });

  it("answers 418 with Retry-After and the ban end, 429 with Retry-After, 451 with Binance's restricted-location body", async () => {
    const s = await session();
    s.fault({ type: "http", status: 418, count: 1, retryAfterSec: 120 });
    const before = Date.now();
    const ban = await fetch(`${s.restBase}/api/v3/ping`);
    expect(ban.status).toBe(418);
    expect(ban.headers.get("retry-after")).toBe("120");
    const body = (await ban.json()) as { code: number; msg: string };
    expect(body.code).toBe(-1003);
    const until = Number(/banned until (\d+)/.exec(body.msg)?.[1]);
    expect(until).toBeGreaterThanOrEqual(before + 120_000);
    expect(until).toBeLessThan(Date.now() + 121_000);
    s.fault({ type: "http", status: 429, count: 1, retryAfterSec: 3 });
    const limited = await fetch(`${s.restBase}/api/v3/ping`);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
    s.fault({ type: "http", status: 451, count: 1 });
    const legal = await fetch(`${s.restBase}/api/v3/ping`);
    expect(legal.status).toBe(451);
    expect(await legal.json()).toEqual({
      code: 0,
      msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
    });
  });
});

describe("error_after fault", () => {
  it("executes the order POST and answers 503 -1007: the order exists, and re-sending its client id makes a second one", async () => {
    const s = await session();
    s.fault({ type: "error_after", count: 1 });
    const spoiled = await signedRaw(s.restBase, "POST", "order", market("intent-1"));
    expect([spoiled.status, spoiled.body]).toEqual([503, { code: -1007, msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown." }]);
    expect(spoiled.headers.get("x-mbx-order-count-10s")).toBeNull(); // nothing in the answer tells it executed
    expect((await state(s)).ordersByClientId).toEqual({ "intent-1": 1 });
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "intent-1" })).body.status).toBe("FILLED");
    // Binance keeps client ids unique among OPEN orders only: a blind retry of a filled order trades twice.
    expect((await signed(s.restBase, "POST", "order", market("intent-1"))).body.status).toBe("FILLED");
    expect((await state(s)).ordersByClientId).toEqual({ "intent-1": 2 });
  });

  it("can answer a plain 500, hit a cancel instead, and is not used up by a rejected order", async () => {
    const s = await session();
    s.fault({ type: "error_after", count: 1, status: 500 });
    const tooBig = await signed(s.restBase, "POST", "order", { ...market("big"), quantity: "1" });
    expect(tooBig.body.code).toBe(-2010);
    expect((await state(s)).faults.requests).toEqual([{ type: "error_after", path: "POST order", remaining: 1, status: 500 }]);
    expect(await signed(s.restBase, "POST", "order", limit("r1"))).toEqual({
      status: 500,
      body: { code: -1000, msg: "An unknown error occurred while processing the request." },
    });
    expect((await state(s)).orders.map((o: any) => [o.clientOrderId, o.status])).toEqual([["r1", "NEW"]]);
    s.fault({ type: "error_after", count: 1, path: "DELETE order" });
    expect((await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "r1" })).body.code).toBe(-1007);
    expect((await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "r1" })).body.status).toBe("CANCELED");
    expect((await state(s)).faults.requests).toEqual([]);
  });
});

describe("lost_response fault", () => {
  it("with a path filter, drops the connection of an executed cancel and leaves order POSTs alone", async () => {
    const s = await session();
    await signed(s.restBase, "POST", "order", limit("r1"));
    s.fault({ type: "lost_response", count: 1, path: "DELETE order" });
    expect((await signed(s.restBase, "POST", "order", limit("r2"))).status).toBe(200);
    await expect(signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "r1" })).rejects.toThrow();
    expect((await state(s)).orders.map((o: any) => o.status)).toEqual(["CANCELED", "NEW"]);
  });
});

describe("rate-limit headers", () => {
  it("counts order POST/DELETE weight and carries x-mbx-order-count-10s/1d on accepted orders", async () => {
    for (let attempt = 0; ; attempt++) {
      const s = await session();
      const t0 = Date.now();
      const a = await signedRaw(s.restBase, "POST", "order", market("w1"));
      const b = await signedRaw(s.restBase, "POST", "order", limit("w2"));
      const q = await signedRaw(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "w2" });
      const d = await signedRaw(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "w2" });
      const rejected = await signedRaw(s.restBase, "POST", "order", { ...market("w3"), quantity: "5" });
      if (Math.floor(t0 / 10_000) !== Math.floor(Date.now() / 10_000) && attempt < 3) continue; // a window turned
      const h = (r: { headers: Headers }, n: string) => r.headers.get(n);
      expect([a, b, q, d, rejected].map((r) => h(r, "x-mbx-used-weight-1m"))).toEqual(["1", "2", "6", "7", "8"]);
      expect([a, b].map((r) => [h(r, "x-mbx-order-count-10s"), h(r, "x-mbx-order-count-1d")])).toEqual([
        ["1", "1"],
        ["2", "2"],
      ]);
      expect([q, d, rejected].map((r) => h(r, "x-mbx-order-count-10s"))).toEqual([null, null, null]);
      expect(rejected.status).toBe(400);
      return;
    }
  });
});

describe("fault bookkeeping", () => {
  it("lists active faults in sim/state and clear removes every kind", async () => {
    const s = await session();
    for (const f of [
      { type: "http", status: 429, count: 2, path: "GET order" },
      { type: "error_after", count: 1 },
      { type: "lost_response", count: 3 },
      { type: "delayed_fill", count: 1, parts: 4 },
      { type: "duplicate_fill_report", count: 2 },
    ]) {
      expect((await postJson(`${s.restBase}/sim/fault`, f)).status).toBe(200);
    }
    const faults = (await state(s)).faults;
    expect(faults).toMatchObject({
      http: { type: "http", path: "GET order", remaining: 2, status: 429, retryAfterSec: 1 },
      lostResponses: 3,
      requests: [
        { type: "http", path: "GET order", remaining: 2, status: 429, retryAfterSec: 1 },
        { type: "error_after", path: "POST order", remaining: 1, status: 503 },
        { type: "lost_response", path: "POST order", remaining: 3 },
      ],
      delayedFills: [{ remaining: 1, parts: 4, ticksPerPart: 1 }],
      duplicateFillReports: 2,
    });
    await postJson(`${s.restBase}/sim/fault`, { type: "clear" });
    expect((await state(s)).faults).toMatchObject({ http: null, lostResponses: 0, requests: [], delayedFills: [], duplicateFillReports: 0 });
    expect((await signed(s.restBase, "POST", "order", market("after-clear"))).body.status).toBe("FILLED");
    expect((await postJson(`${s.restBase}/sim/fault`, { type: "http", status: 404, count: 1 })).status).toBe(400);
    expect((await postJson(`${s.restBase}/sim/fault`, { type: "error_after", count: 1, path: "POST /api/v3/order" })).status).toBe(400);
  });
});

describe("recvWindow", () => {
  /** A signed order request whose timestamp is `ageMs` old, sent now. */
  async function lateOrder(restBase: string, id: string, ageMs: number, recvWindow?: number) {
    const params: Record<string, string> = { ...market(id), ...(recvWindow === undefined ? {} : { recvWindow: String(recvWindow) }), timestamp: String(Date.now() - ageMs) };
    const q = new URLSearchParams(params).toString();
    const body = `${q}&signature=${sign("sim-secret", q)}`;
    const r = await fetch(`${restBase}/api/v3/order`, { method: "POST", headers: { "X-MBX-APIKEY": "sim-key", "content-type": "application/x-www-form-urlencoded" }, body });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  it("refuses an order signed longer ago than its recvWindow (-1021) and never executes it; one inside the window fills", async () => {
    const s = await session();
    expect(await lateOrder(s.restBase, "late-1", 6_000)).toEqual({ status: 400, body: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." } });
    expect(await lateOrder(s.restBase, "late-2", 1_500, 1_000)).toMatchObject({ status: 400, body: { code: -1021 } });
    expect((await lateOrder(s.restBase, "late-3", 1_500, 5_000)).body.status).toBe("FILLED");
    expect((await state(s)).ordersByClientId).toEqual({ "late-3": 1 });
  });
});
