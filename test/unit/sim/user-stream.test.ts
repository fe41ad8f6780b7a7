import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { Collector, events, getJson, iso, keyed, postJson, signed, sleep } from "./helpers";

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
const close = (i: number) => loadCandleRange("BTCUSDT", "1m", START + i * MIN, START + (i + 1) * MIN)[0]!.c;

async function session(extra: Record<string, unknown> = {}): Promise<Session> {
  const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0, ...extra });
  await s.advance(1);
  return s;
}
async function connect(url: string): Promise<Collector> {
  const c = new Collector(url);
  sockets.push(c);
  await c.opened();
  return c;
}
async function userSocket(s: Session): Promise<{ key: string; c: Collector }> {
  const key = (await keyed(s.restBase, "POST")).body.listenKey as string;
  return { key, c: await connect(`${s.wsBase}/ws/${key}`) };
}
const post = (s: Session, p: Record<string, string>) => signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", ...p });

describe("listenKey endpoints", () => {
  it("POST needs the API key but no signature, returns one key per account; PUT extends it, DELETE closes it", async () => {
    const s = await session();
    const minute = Math.floor(Date.now() / MIN);
    expect(await keyed(s.restBase, "POST", {}, null)).toMatchObject({ status: 401, body: { code: -2014, msg: "API-key format invalid." } });
    expect(await keyed(s.restBase, "POST", {}, "wrong")).toMatchObject({ status: 401, body: { code: -2015 } });
    const first = await keyed(s.restBase, "POST");
    expect(first.status).toBe(200);
    expect(first.body.listenKey).toMatch(/^[0-9a-f]{64}$/);
    // Weight 2 per call, rejected ones included (unless the wall-clock minute turned meanwhile).
    if (Math.floor(Date.now() / MIN) === minute) expect(first.headers.get("x-mbx-used-weight-1m")).toBe("6");
    expect((await keyed(s.restBase, "POST")).body).toEqual(first.body);
    expect(await keyed(s.restBase, "PUT", { listenKey: first.body.listenKey })).toMatchObject({ status: 200, body: {} });
    expect(await keyed(s.restBase, "PUT", { listenKey: "nope" })).toMatchObject({ status: 400, body: { code: -1125, msg: "This listenKey does not exist." } });
    expect((await keyed(s.restBase, "PUT")).body.code).toBe(-1102);
    expect(await keyed(s.restBase, "DELETE", { listenKey: first.body.listenKey })).toMatchObject({ status: 200, body: {} });
    expect((await keyed(s.restBase, "DELETE", { listenKey: first.body.listenKey })).body.code).toBe(-1125);
    const second = (await keyed(s.restBase, "POST")).body.listenKey;
    expect(second).not.toBe(first.body.listenKey);
    const other = await session();
    expect((await keyed(other.restBase, "POST")).body.listenKey).not.toBe(second);
  });
});

describe("user-data stream", () => {
  it("reports a resting LIMIT order: executionReport NEW, then outboundAccountPosition with the locked quote", async () => {
    const s = await session();
    const { c } = await userSocket(s);
    const r = await post(s, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price: "100000.00", newClientOrderId: "rest-1" });
    const [er, pos] = await c.exactly(2);
    expect(er).toEqual({
      e: "executionReport",
      E: START + MIN,
      s: "BTCUSDT",
      c: "rest-1",
      S: "BUY",
      o: "LIMIT",
      f: "GTC",
      q: "0.01000000",
      p: "100000.00000000",
      P: "0.00000000",
      F: "0.00000000",
      g: -1,
      C: "",
      x: "NEW",
      X: "NEW",
      r: "NONE",
      i: r.body.orderId,
      l: "0.00000000",
      z: "0.00000000",
      L: "0.00000000",
      n: "0",
      N: null,
      T: START + MIN,
      t: -1,
      I: 1,
      w: true,
      m: false,
      M: false,
      O: START + MIN,
      Z: "0.00000000",
      Y: "0.00000000",
      Q: "0.00000000",
      W: START + MIN,
      V: "NONE",
    });
    expect(pos).toEqual({ e: "outboundAccountPosition", E: START + MIN, u: START + MIN, B: [{ a: "USDT", f: "9000.00000000", l: "1000.00000000" }] });
  });

  it("reports a MARKET fill as NEW then one TRADE per part, then the balances, to every socket of the session only", async () => {
    const s = await session({ fillParts: 2 });
    const { key, c } = await userSocket(s);
    const c2 = await connect(`${s.wsBase}/stream?streams=${key}`);
    const other = await session();
    const stranger = await userSocket(other);
    const r = await post(s, { side: "BUY", type: "MARKET", quantity: "0.01", newClientOrderId: "mkt-1" });
    const p = close(0);
    const got = await c.exactly(4);
    expect(got.map((m) => [m.e, m.x, m.X, m.t, m.l, m.z])).toEqual([
      ["executionReport", "NEW", "NEW", -1, "0.00000000", "0.00000000"],
      ["executionReport", "TRADE", "PARTIALLY_FILLED", 1, "0.00500000", "0.00500000"],
      ["executionReport", "TRADE", "FILLED", 2, "0.00500000", "0.01000000"],
      ["outboundAccountPosition", undefined, undefined, undefined, undefined, undefined],
    ]);
    expect(got[2]).toMatchObject({
      c: "mkt-1",
      i: r.body.orderId,
      o: "MARKET",
      L: p.toFixed(8),
      n: "0.00000500",
      N: "BTC",
      m: false,
      w: false,
      Z: (0.01 * p).toFixed(8),
      Y: (0.005 * p).toFixed(8),
      T: START + MIN,
    });
    expect(got[3].B).toEqual([
      { a: "USDT", f: (10_000 - 0.01 * p).toFixed(8), l: "0.00000000" },
      { a: "BTC", f: "0.00999000", l: "0.00000000" },
    ]);
    const wrapped = (await c2.waitFor(4)).map((m) => JSON.parse(m));
    expect(wrapped.map((m) => m.stream)).toEqual([key, key, key, key]);
    expect(wrapped.map((m) => m.data)).toEqual(got);
    await sleep(20);
    expect(stranger.c.messages).toEqual([]);
  });

  it("reports fills on later ticks, cancels with c = cancel id and C = original id, and stops after DELETE", async () => {
    const s = await session();
    const { key, c } = await userSocket(s);
    s.fault({ type: "delayed_fill", count: 1, parts: 2 });
    await post(s, { side: "BUY", type: "MARKET", quantity: "0.01", newClientOrderId: "slow" });
    await c.exactly(2); // NEW + locked balance
    await s.advance(1);
    const tick = await c.waitFor(4);
    const trade = JSON.parse(tick[2]!);
    expect(trade).toMatchObject({ x: "TRADE", X: "PARTIALLY_FILLED", c: "slow", L: close(1).toFixed(8), E: START + 2 * MIN, T: START + 2 * MIN, t: 1 });
    const cancel = await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", origClientOrderId: "slow", newClientOrderId: "stop-it" });
    expect(cancel.body).toMatchObject({ status: "CANCELED", origClientOrderId: "slow", clientOrderId: "stop-it" });
    const [er] = (await c.waitFor(6)).slice(4).map((m) => JSON.parse(m));
    expect(er).toMatchObject({ x: "CANCELED", X: "CANCELED", c: "stop-it", C: "slow", z: "0.00500000", t: -1 });
    await keyed(s.restBase, "DELETE", { listenKey: key });
    await post(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    await sleep(30);
    expect(c.messages).toHaveLength(6);
  });

  it("reports a stop order's trigger as NEW with w:true, then its trade", async () => {
    const s = await session({ balances: { USDT: 1000, BTC: 0.1 } });
    const { c } = await userSocket(s);
    await post(s, { side: "SELL", type: "STOP_LOSS", quantity: "0.01", stopPrice: "105000.00" });
    const [placed] = await c.exactly(2);
    expect(placed).toMatchObject({ x: "NEW", o: "STOP_LOSS", P: "105000.00000000", w: false });
    expect(placed).not.toHaveProperty("W");
    await s.advance(1);
    const after = (await c.waitFor(5)).slice(2).map((m) => JSON.parse(m));
    expect(after.map((m) => [m.e, m.x, m.X, m.w])).toEqual([
      ["executionReport", "NEW", "NEW", true],
      ["executionReport", "TRADE", "FILLED", false],
      ["outboundAccountPosition", undefined, undefined, undefined],
    ]);
    expect(after[0].W).toBe(START + 2 * MIN);
  });

  it("reports orders whose REST answer was lost or spoiled, and nothing for calls an http fault refused", async () => {
    const s = await session();
    const { c } = await userSocket(s);
    s.fault({ type: "http", status: 503, count: 1, path: "POST order" });
    expect((await post(s, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "refused" })).status).toBe(503);
    s.fault({ type: "lost_response", count: 1 });
    await expect(post(s, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "lost" })).rejects.toThrow();
    s.fault({ type: "error_after", count: 1 });
    expect((await post(s, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "timeout" })).body.code).toBe(-1007);
    const reports = (await c.waitFor(6)).map((m) => JSON.parse(m)).filter((m) => m.e === "executionReport");
    expect(reports.map((m) => [m.c, m.x, m.X])).toEqual([
      ["lost", "NEW", "NEW"],
      ["lost", "TRADE", "FILLED"],
      ["timeout", "NEW", "NEW"],
      ["timeout", "TRADE", "FILLED"],
    ]);
  });

  it("duplicate_fill_report sends the next N TRADE reports twice, and nothing else twice", async () => {
    const s = await session({ fillParts: 2 });
    const { c } = await userSocket(s);
    await postJson(`${s.restBase}/sim/fault`, { type: "duplicate_fill_report", count: 1 });
    expect((await getJson(`${s.restBase}/sim/state`)).body.faults.duplicateFillReports).toBe(1);
    await post(s, { side: "BUY", type: "MARKET", quantity: "0.01" });
    const got = await c.exactly(5);
    expect(got.map((m) => [m.e, m.x, m.t, m.I])).toEqual([
      ["executionReport", "NEW", -1, 1],
      ["executionReport", "TRADE", 1, 2],
      ["executionReport", "TRADE", 1, 2],
      ["executionReport", "TRADE", 2, 3],
      ["outboundAccountPosition", undefined, undefined, undefined],
    ]);
    expect((await getJson(`${s.restBase}/sim/state`)).body.faults.duplicateFillReports).toBe(0);
  });

  it("expires a listenKey not kept alive: listenKeyExpired, then silence; PUT keeps it alive", async () => {
    const s = await session({ listenKeyTtlMs: 400 });
    const { key, c } = await userSocket(s);
    await sleep(250);
    expect((await keyed(s.restBase, "PUT", { listenKey: key })).status).toBe(200);
    await sleep(250); // 500 ms after the POST, 250 ms after the PUT
    await post(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    await c.waitFor(3);
    await sleep(450);
    await post(s, { side: "BUY", type: "MARKET", quantity: "0.001" });
    const msgs = (await c.waitFor(4)).map((m) => JSON.parse(m));
    await sleep(30);
    expect(msgs).toHaveLength(4);
    expect(msgs[3]).toEqual({ e: "listenKeyExpired", E: START + MIN, listenKey: key });
    expect((await keyed(s.restBase, "PUT", { listenKey: key })).body.code).toBe(-1125);
    expect(events(c, "executionReport")).toHaveLength(2);
  });
});
