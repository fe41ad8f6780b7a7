import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MALFORMED_PRESET, startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { Collector, getJson, iso, postJson, signed, sleep } from "./helpers";

let sim: ExchangeSim;
const sockets: Collector[] = [];
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(async () => {
  sockets.forEach((c) => c.close());
  await sim.close();
});

const newSession = () => sim.createSession({ start: iso("2026-03-25T08:00:00Z"), partials: 0 });
async function connect(url: string): Promise<Collector> {
  const c = new Collector(url);
  sockets.push(c);
  await c.opened();
  return c;
}

describe("WebSocket faults", () => {
  it("drop terminates every socket of the session and refuses new upgrades with 503 for refuseMs", async () => {
    const s = newSession();
    const other = newSession();
    const a = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    const b = await connect(`${s.wsBase}/stream?streams=ethusdt@kline_1m`);
    const bystander = await connect(`${other.wsBase}/ws/btcusdt@kline_1m`);
    expect((await postJson(`${s.restBase}/sim/fault`, { type: "drop", refuseMs: 150 })).status).toBe(200);
    await a.waitClosed();
    await b.waitClosed();
    expect(a.closeCode).toBe(1006);
    await expect(connect(`${s.wsBase}/ws/btcusdt@kline_1m`)).rejects.toThrow("HTTP 503");
    await sleep(200);
    const again = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    await s.advance(1);
    await again.exactly(1);
    expect(bystander.closed).toBe(false);
  });

  it("silence keeps sockets open but loses the frames generated meanwhile", async () => {
    const s = newSession();
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    s.fault({ type: "silence", ms: 100 });
    await s.advance(3);
    await sleep(30);
    expect(c.messages).toHaveLength(0);
    expect(c.closed).toBe(false);
    expect((await getJson(`${s.restBase}/sim/state`)).body.faults.silencedSockets).toBe(1);
    await sleep(100);
    await s.advance(1);
    const [frame] = await c.exactly(1);
    expect(frame.k.t).toBe(iso("2026-03-25T08:03:00Z"));
  });

  it("malformed sends the labelled preset, shaped for the socket's own stream, or the given raw strings", async () => {
    expect(MALFORMED_PRESET.map((p) => p.label)).toEqual(["invalid JSON", "NaN price", "negative price", "zero price", "high below low", "wrong symbol", "wrong interval", "missing k", "wrong types"]);
    const s = newSession();
    const raw = await connect(`${s.wsBase}/ws/ethusdt@kline_15m`);
    const comb = await connect(`${s.wsBase}/stream?streams=btcusdt@kline_1m`);
    s.fault({ type: "malformed" });
    const frames = await raw.waitFor(MALFORMED_PRESET.length);
    expect(() => JSON.parse(frames[0]!)).toThrow();
    const parsed = frames.slice(1).map((f) => JSON.parse(f));
    expect(parsed[0].k).toMatchObject({ s: "ETHUSDT", i: "15m", o: "NaN" });
    expect(parsed[4].k.s).not.toBe("ETHUSDT");
    expect(parsed[5].k.i).toBe("1m");
    expect(parsed[6]).not.toHaveProperty("k");
    const wrapped = (await comb.waitFor(MALFORMED_PRESET.length)).slice(1).map((f) => JSON.parse(f));
    expect(wrapped[0]).toMatchObject({ stream: "btcusdt@kline_1m", data: { e: "kline", s: "BTCUSDT" } });
    await postJson(`${s.restBase}/sim/fault`, { type: "malformed", frames: ["hello", "{}"] });
    await raw.waitFor(MALFORMED_PRESET.length + 2);
    expect(raw.messages.slice(-2)).toEqual(["hello", "{}"]);
  });
});

describe("REST faults", () => {
  it("fails the next n REST calls with the given status, Retry-After and -1003 body, then recovers", async () => {
    const s = newSession();
    s.fault({ type: "http", status: 429, count: 2, retryAfterSec: 7 });
    const first = await fetch(`${s.restBase}/api/v3/time`);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(((await first.json()) as { code: number }).code).toBe(-1003);
    expect((await getJson(`${s.restBase}/sim/state`)).status).toBe(200); // /sim calls are not counted
    expect((await fetch(`${s.restBase}/fapi/v1/premiumIndex?symbol=BTCUSDT`)).status).toBe(429);
    expect((await fetch(`${s.restBase}/api/v3/time`)).status).toBe(200);
    s.fault({ type: "http", status: 503, count: 1 });
    expect((await fetch(`${s.restBase}/api/v3/ping`)).status).toBe(503);
  });

  it("lost_response executes the order but destroys the connection without answering", async () => {
    const s = newSession();
    await s.advance(1);
    s.fault({ type: "lost_response", count: 1 });
    const order = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "lost-1" };
    await expect(signed(s.restBase, "POST", "order", order)).rejects.toThrow();
    const st = (await getJson(`${s.restBase}/sim/state`)).body;
    expect(st.ordersByClientId).toEqual({ "lost-1": 1 });
    expect(st.orders[0]).toMatchObject({ clientOrderId: "lost-1", status: "FILLED" });
    const q = await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", origClientOrderId: "lost-1" });
    expect(q.body.status).toBe("FILLED");
    expect((await signed(s.restBase, "POST", "order", { ...order, newClientOrderId: "lost-2" })).status).toBe(200);
  });

  it("clear removes pending faults", async () => {
    const s = newSession();
    s.fault({ type: "http", status: 500, count: 5 });
    s.fault({ type: "clear" });
    expect((await fetch(`${s.restBase}/api/v3/ping`)).status).toBe(200);
    expect((await postJson(`${s.restBase}/sim/fault`, { type: "bogus" })).status).toBe(400);
  });
});
