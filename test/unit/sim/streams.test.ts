import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim } from "../../../sim/exchange/server";
import { Collector, getJson, iso, postJson, sleep } from "./helpers";

let sim: ExchangeSim;
const open: Collector[] = [];
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await sim.close();
});

async function connect(url: string): Promise<Collector> {
  const c = new Collector(url);
  open.push(c);
  await c.opened();
  return c;
}

const START = iso("2025-06-02T03:58:00Z");
const shipped = (from: number, n: number) => loadCandleRange("BTCUSDT", "1m", from, from + n * 60_000);

describe("kline stream", () => {
  it("sends K partial frames with x:false then the exact shipped candle with x:true, event times increasing", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], partials: 3 });
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    await s.advance(2);
    const frames = await c.exactly(8);
    const [m0, m1] = shipped(START, 2);
    for (const [n, candle] of [
      [0, m0!],
      [1, m1!],
    ] as const) {
      const group = frames.slice(n * 4, n * 4 + 4);
      expect(group.map((f) => f.k.x)).toEqual([false, false, false, true]);
      expect(group.map((f) => f.E)).toEqual([15_000, 30_000, 45_000, 60_000].map((d) => candle.t + d));
      group.forEach((f) => expect(f).toMatchObject({ e: "kline", s: "BTCUSDT", k: { t: candle.t, T: candle.t + 59_999, s: "BTCUSDT", i: "1m" } }));
      const vols = group.map((f) => Number(f.k.v));
      expect(vols[0]).toBeLessThan(vols[1]!);
      expect(group[0].k.o).toBe(candle.o.toFixed(8));
      const close = group[3].k;
      expect([close.o, close.h, close.l, close.c, close.v]).toEqual([candle.o, candle.h, candle.l, candle.c, candle.v].map((x) => x.toFixed(8)));
    }
    const Es = frames.map((f) => f.E);
    expect([...Es].sort((a, b) => a - b)).toEqual(Es);
    expect(s.now()).toBe(START + 120_000);
  });

  it("with an opening frame, steps one frame at a time: a minute's close and the next one's open are two steps at one time", async () => {
    const start = iso("2025-06-02T04:00:00Z");
    const s = sim.createSession({ start, symbols: ["BTCUSDT"], partials: 2, openingFrame: true });
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    // A REST call before the first step sends nothing: the opening frame at the start waits for the first advance.
    await getJson(`${s.restBase}/api/v3/time`);
    await s.advanceFrames(4);
    await c.exactly(4);
    await s.advanceFrames(1);
    const frames = await c.exactly(5);
    const [m0, m1] = shipped(start, 2);
    expect(frames.map((f) => [f.E - start, f.k.t, f.k.x])).toEqual([
      [0, m0!.t, false],
      [20_000, m0!.t, false],
      [40_000, m0!.t, false],
      [60_000, m0!.t, true],
      [60_000, m1!.t, false],
    ]);
    // The opening frame carries the open and no volume yet.
    expect([frames[4].k.o, frames[4].k.h, frames[4].k.l, frames[4].k.c, frames[4].k.v]).toEqual([m1!.o, m1!.o, m1!.o, m1!.o, 0].map((x) => x.toFixed(8)));
    expect(s.now()).toBe(start + 60_000);
  });

  it("emits the forming 4h candle on every 1m frame and x:true only on the frame closing its last minute", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 1 });
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_4h`);
    await s.advance(3);
    const frames = await c.exactly(6);
    expect(frames.map((f) => f.k.x)).toEqual([false, false, false, true, false, false]);
    const bucket = loadCandleRange("BTCUSDT", "4h", iso("2025-06-02T00:00:00Z"), iso("2025-06-02T04:00:00Z"))[0]!;
    const closing = frames[3].k;
    expect(closing).toMatchObject({ t: bucket.t, T: bucket.t + 14_400_000 - 1, i: "4h" });
    expect([closing.o, closing.h, closing.l, closing.c]).toEqual([bucket.o, bucket.h, bucket.l, bucket.c].map((x) => x.toFixed(8)));
    expect(Number(closing.v)).toBeCloseTo(bucket.v, 6);
    expect(frames[4].k.t).toBe(iso("2025-06-02T04:00:00Z"));
  });

  it("wraps frames as {stream, data} on /stream and carries aggTrades whose quantities sum to the candle volume", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"], partials: 2 });
    const c = await connect(`${s.wsBase}/stream?streams=btcusdt@aggTrade/ethusdt@kline_1m`);
    await s.advance(1);
    const frames = await c.exactly(6);
    const trades = frames.filter((f) => f.stream === "btcusdt@aggTrade").map((f) => f.data);
    const eth = frames.filter((f) => f.stream === "ethusdt@kline_1m").map((f) => f.data);
    expect(trades).toHaveLength(3);
    expect(eth).toHaveLength(3);
    expect(Object.keys(trades[0])).toEqual(["e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M"]);
    const m0 = shipped(START, 1)[0]!;
    expect(trades.reduce((a, t) => a + Number(t.q), 0)).toBeCloseTo(m0.v, 6);
    expect(trades[2].p).toBe(m0.c.toFixed(8));
    expect(trades.map((t) => t.a)).toEqual([...trades.map((t) => t.a)].sort((a, b) => a - b));
    expect(eth[2].k.x).toBe(true);
  });

  it("accepts live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS and answers with the request id", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0 });
    const c = await connect(`${s.wsBase}/ws`);
    c.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@kline_1m", "btcusdt@aggTrade"], id: 7 }));
    await c.waitFor(1);
    expect(c.json()[0]).toEqual({ result: null, id: 7 });
    await s.advance(1);
    await c.exactly(3);
    c.ws.send(JSON.stringify({ method: "UNSUBSCRIBE", params: ["btcusdt@aggTrade"], id: 8 }));
    c.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 9 }));
    await c.waitFor(5);
    expect(c.json().slice(3)).toEqual([
      { result: null, id: 8 },
      { result: ["btcusdt@kline_1m"], id: 9 },
    ]);
    await s.advance(1);
    expect((await c.exactly(6)).slice(5).map((f) => f.e)).toEqual(["kline"]);
  });

  it("keeps a socket for an unknown stream open but silent", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT"] });
    const c = await connect(`${s.wsBase}/ws/dogeusdt@kline_1m`);
    await s.advance(2);
    await sleep(30);
    expect(c.messages).toHaveLength(0);
    expect(c.closed).toBe(false);
  });

  it("streams by itself in realtime mode at the requested speed", async () => {
    const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], mode: "realtime", speed: 3000, partials: 0 });
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    const frames = await c.waitFor(2, () => true, 3000);
    const [a, b] = frames.map((f) => JSON.parse(f));
    expect(b.k.t - a.k.t).toBe(60_000);
    const st = await postJson(`${s.restBase}/sim/control`, { paused: true });
    expect(st.body.paused).toBe(true);
    const t1 = s.now();
    await sleep(50);
    expect(s.now()).toBe(t1);
  });

  it("stops at the end of the 1m data and reports ended", async () => {
    const s = sim.createSession({ start: "2025-06-07T23:58:00Z", symbols: ["BTCUSDT"], partials: 0 });
    const c = await connect(`${s.wsBase}/ws/btcusdt@kline_1m`);
    await s.advance(5);
    await c.exactly(2);
    const st = await getJson(`${s.restBase}/sim/state`);
    expect(st.body).toMatchObject({ ended: true, now: iso("2025-06-08T00:00:00Z"), framesSent: 2, connections: 1 });
  });
});
