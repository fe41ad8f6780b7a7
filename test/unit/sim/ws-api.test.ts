import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign, startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { Collector, getJson, iso, keyed, postJson, signed, sleep } from "./helpers";

let sim: ExchangeSim;
const sockets: Collector[] = [];
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(async () => {
  sockets.forEach((c) => c.close());
  await sim.close();
});

const START = iso("2025-06-04T12:00:00Z");
const MIN = 60_000;

async function session(extra: Record<string, unknown> = {}): Promise<Session> {
  const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0, ...extra });
  await s.advance(1);
  return s;
}

async function wsApi(s: Session): Promise<Collector> {
  const c = new Collector(`${s.wsBase}/ws-api/v3`);
  sockets.push(c);
  await c.opened();
  return c;
}

let nextId = 0;
/** Sends one request and waits for the answer with its id. */
async function call(c: Collector, method: string, params?: Record<string, unknown>): Promise<any> {
  const id = `r${++nextId}`;
  c.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
  const [reply] = await c.waitFor(1, (m) => JSON.parse(m).id === id);
  return JSON.parse(reply!);
}

/** The params of a signed subscription: HMAC of the params sorted by name, as `k=v&...`. */
function subscribeParams(o: { key?: string; secret?: string; recvWindow?: number } = {}): Record<string, unknown> {
  const p: Record<string, unknown> = { apiKey: o.key ?? "sim-key", timestamp: Date.now(), ...(o.recvWindow !== undefined ? { recvWindow: o.recvWindow } : {}) };
  const payload = Object.keys(p)
    .sort()
    .map((k) => `${k}=${String(p[k])}`)
    .join("&");
  return { ...p, signature: sign(o.secret ?? "sim-secret", payload) };
}

const eventsOf = (c: Collector) => c.json().filter((m) => m.event !== undefined);
const order = (s: Session, p: Record<string, string>) => signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", ...p });

describe("WebSocket API requests", () => {
  it("answers ping, and refuses unknown methods and malformed frames in Binance's error shape", async () => {
    const c = await wsApi(await session());
    expect(await call(c, "ping")).toEqual({ id: `r${nextId}`, status: 200, result: {} });
    expect(await call(c, "order.place", { symbol: "BTCUSDT" })).toEqual({ id: `r${nextId}`, status: 400, error: { code: -1020, msg: "This operation is not supported." } });
    c.ws.send("{not json");
    const [bad] = await c.waitFor(1, (m) => JSON.parse(m).id === null);
    expect(JSON.parse(bad!)).toMatchObject({ id: null, status: 400, error: { code: -1102 } });
  });

  it("subscribes with a valid signature only: mandatory params, the session's key, the HMAC of the sorted params", async () => {
    const c = await wsApi(await session());
    const { apiKey: _k, ...noKey } = subscribeParams();
    expect(await call(c, "userDataStream.subscribe.signature", noKey)).toMatchObject({
      status: 400,
      error: { code: -1102, msg: "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed." },
    });
    const { timestamp: _t, ...noTime } = subscribeParams();
    expect((await call(c, "userDataStream.subscribe.signature", noTime)).error.code).toBe(-1102);
    expect(await call(c, "userDataStream.subscribe.signature", subscribeParams({ key: "other-key" }))).toMatchObject({ status: 401, error: { code: -2015 } });
    expect(await call(c, "userDataStream.subscribe.signature", subscribeParams({ secret: "wrong" }))).toMatchObject({
      status: 400,
      error: { code: -1022, msg: "Signature for this request is not valid." },
    });
    // The signature covers every param but itself: a changed timestamp no longer matches.
    const tampered = { ...subscribeParams(), timestamp: 1 };
    expect((await call(c, "userDataStream.subscribe.signature", tampered)).error.code).toBe(-1022);
    const ok = subscribeParams({ recvWindow: 5000 });
    expect(await call(c, "userDataStream.subscribe.signature", { ...ok, signature: String(ok["signature"]).toUpperCase() })).toEqual({ id: `r${nextId}`, status: 200, result: { subscriptionId: 0 } });
    expect(await call(c, "userDataStream.subscribe.signature", subscribeParams())).toMatchObject({ status: 400, error: { code: -2035 } });
  });

  it("sends every account event to each subscription wrapped with its id, the same payloads as the listenKey stream", async () => {
    const s = await session({ fillParts: 2 });
    const c = await wsApi(s);
    const idle = await wsApi(s);
    const stranger = await wsApi(await session());
    await call(c, "userDataStream.subscribe.signature", subscribeParams());
    await call(stranger, "userDataStream.subscribe.signature", subscribeParams());
    const key = (await keyed(s.restBase, "POST")).body.listenKey as string;
    const legacy = new Collector(`${s.wsBase}/ws/${key}`);
    sockets.push(legacy);
    await legacy.opened();
    const r = await order(s, { side: "BUY", type: "MARKET", quantity: "0.01", newClientOrderId: "wsapi-1" });
    await c.waitFor(5);
    const got = eventsOf(c);
    expect(got.map((m) => [m.subscriptionId, m.event.e, m.event.x, m.event.t])).toEqual([
      [0, "executionReport", "NEW", -1],
      [0, "executionReport", "TRADE", 1],
      [0, "executionReport", "TRADE", 2],
      [0, "outboundAccountPosition", undefined, undefined],
    ]);
    expect(got[2].event).toMatchObject({ c: "wsapi-1", i: r.body.orderId, X: "FILLED", z: "0.01000000", N: "BTC", E: START + MIN });
    expect(got.map((m) => m.event)).toEqual((await legacy.waitFor(4)).map((m) => JSON.parse(m)));
    await sleep(20);
    expect(idle.messages).toEqual([]);
    expect(eventsOf(stranger)).toEqual([]);
    expect((await getJson(`${s.restBase}/sim/state`)).body.wsApi).toEqual({ sockets: 2, subscriptions: 1, eventsSent: 4 });
  });

  it("unsubscribes one id or all; a later subscription on the connection gets the next id", async () => {
    const s = await session();
    const c = await wsApi(s);
    await call(c, "userDataStream.subscribe.signature", subscribeParams());
    expect(await call(c, "userDataStream.unsubscribe", { subscriptionId: 7 })).toMatchObject({ status: 400, error: { code: -2036 } });
    expect(await call(c, "userDataStream.unsubscribe", { subscriptionId: 0 })).toMatchObject({ status: 200, result: {} });
    await order(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    await sleep(30);
    expect(eventsOf(c)).toEqual([]);
    expect((await call(c, "userDataStream.subscribe.signature", subscribeParams())).result).toEqual({ subscriptionId: 1 });
    expect(await call(c, "userDataStream.unsubscribe")).toMatchObject({ status: 200, result: {} });
    expect((await getJson(`${s.restBase}/sim/state`)).body.wsApi.subscriptions).toBe(0);
  });

  it("is dropped by the drop fault with the other sockets, and duplicate_fill_report doubles its TRADE events too", async () => {
    const s = await session();
    const c = await wsApi(s);
    await call(c, "userDataStream.subscribe.signature", subscribeParams());
    await postJson(`${s.restBase}/sim/fault`, { type: "duplicate_fill_report", count: 1 });
    await order(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    await c.waitFor(4);
    expect(eventsOf(c).map((m) => [m.event.x, m.event.t])).toEqual([
      ["NEW", -1],
      ["TRADE", 1],
      ["TRADE", 1],
      [undefined, undefined],
    ]);
    await postJson(`${s.restBase}/sim/fault`, { type: "drop", refuseMs: 200 });
    await c.waitClosed();
    await expect(new Collector(`${s.wsBase}/ws-api/v3`).opened()).rejects.toThrow(/503/);
    await sleep(250);
    expect((await call(await wsApi(s), "ping")).status).toBe(200);
  });

  it("is stalled by the silence fault: answers and events meanwhile are lost, the socket stays open", async () => {
    const s = await session();
    const c = await wsApi(s);
    await call(c, "userDataStream.subscribe.signature", subscribeParams());
    await postJson(`${s.restBase}/sim/fault`, { type: "silence", ms: 150 });
    c.ws.send(JSON.stringify({ id: "lost-ping", method: "ping" }));
    await order(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    await sleep(200);
    expect(c.messages.filter((m) => JSON.parse(m).id !== `r${nextId}`)).toEqual([]);
    expect(c.closed).toBe(false);
    expect((await call(c, "ping")).status).toBe(200);
  });

  it("is served per session: an unknown session refuses the upgrade", async () => {
    await expect(new Collector(`${sim.wsUrl}/s/nope/ws-api/v3`).opened()).rejects.toThrow(/404/);
  });
});
