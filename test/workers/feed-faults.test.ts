import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advance, createSession, openStream, simPost, simState, startTicker, tickerStub, untilMinute, waitFor } from "./support";

const MIN = 60_000;

function contiguous(ts: number[]): number[] {
  const missing: number[] = [];
  for (let i = 1; i < ts.length; i++) for (let t = ts[i - 1]! + MIN; t < ts[i]!; t += MIN) missing.push(t);
  return missing;
}

/**
 * Sends the simulator's malformed frames until a ticker socket takes them. The manual-mode feed is quiet
 * until the test advances it, so on a loaded machine the silence detector (2 s in the tests) may replace
 * the socket between its connection and the fault, and frames sent to the old one never arrive.
 */
async function deliverMalformed(s: Awaited<ReturnType<typeof createSession>>, symbol: string): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await simPost(s, "fault", { type: "malformed" });
    const counted = await waitFor(async () => ((await tickerStub(symbol).status()).feed.dropped.invalid_json ?? 0) > 0, "malformed frames counted", 3_000).catch(() => false);
    if (counted) return;
  }
  throw new Error(`no ${symbol} socket took the malformed frames in 5 attempts`);
}

describe("TickerActor under feed faults", () => {
  it("drops and counts malformed frames by reason and keeps running", async () => {
    const start = Date.UTC(2026, 2, 24, 6);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    await startTicker(s, "ETH/USDT");
    await deliverMalformed(s, "ETH/USDT");
    await advance(s, 5);
    const st = await untilMinute("ETH/USDT", start + 4 * MIN);
    const d = st.feed.dropped;
    expect(d.invalid_json).toBe(1);
    expect(d.wrong_symbol).toBeGreaterThanOrEqual(1);
    expect(d.wrong_interval).toBeGreaterThanOrEqual(1);
    expect(d.high_below_low).toBeGreaterThanOrEqual(1);
    expect((d.not_a_number ?? 0) + (d.non_positive_price ?? 0)).toBeGreaterThanOrEqual(2);
    expect(d.schema).toBeGreaterThanOrEqual(1);
    expect(st.feed.status).toBe("live");
    const candles = await tickerStub("ETH/USDT").candles("1m", 10);
    expect(candles.at(-1)!.t).toBe(start + 4 * MIN);
    expect(candles.every((c) => c.h >= c.l && c.l > 0)).toBe(true);
  });

  it("a 451 on REST is counted by reason, stops REST to that venue and raises one risk alert", async () => {
    const start = Date.UTC(2026, 2, 26, 14);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    const stream = await openStream();
    await startTicker(s, "ETH/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await simPost(s, "fault", { type: "http", status: 451, count: 1, path: "klines" });
    // The reconnect's backfill asks for klines: the venue answers 451 once, then our governor refuses every call.
    await simPost(s, "fault", { type: "drop", refuseMs: 300 });
    await advance(s, 2);
    const rejected = await waitFor(
      async () => {
        const r = (await tickerStub("ETH/USDT").status()).feed.restRejected;
        return (r.stopped ?? 0) >= 1 ? r : null;
      },
      "451 counted",
      10_000,
    );
    expect(rejected.stopped).toBeGreaterThanOrEqual(1);
    const alerts = await waitFor(
      async () => {
        const found = stream.events.filter((e) => e.type === "risk.alert" && e.data.reason === "exchange_stopped");
        return found.length > 0 ? found : null;
      },
      "exchange_stopped alert",
      10_000,
    );
    expect(alerts[0]!.data).toMatchObject({ source: "TickerActor", detail: { symbol: "ETH/USDT", error: expect.stringMatching(/HTTP 451/) } });
    // Later refusals (the venue stays stopped) are counted but not alerted again.
    await simPost(s, "fault", { type: "drop", refuseMs: 300 });
    await waitFor(async () => ((await tickerStub("ETH/USDT").status()).feed.restRejected.stopped ?? 0) >= 2, "refusal counted", 10_000);
    expect(stream.events.filter((e) => e.type === "risk.alert" && e.data.reason === "exchange_stopped")).toHaveLength(1);
    stream.ws.close();
    await tickerStub("ETH/USDT").stop();
  });

  it("reconnects after a dropped socket and backfills every missed minute by REST", async () => {
    const start = Date.UTC(2026, 2, 25, 10);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["SOLUSDT"] });
    await startTicker(s, "SOL/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await advance(s, 10);
    await untilMinute("SOL/USDT", start + 9 * MIN);
    await simPost(s, "fault", { type: "drop", refuseMs: 1500 });
    await advance(s, 30); // these frames go nowhere: the socket is gone
    const st = await untilMinute("SOL/USDT", start + 39 * MIN, 20_000);
    expect(st.feed.disconnects).toBeGreaterThanOrEqual(1);
    expect(st.feed.candlesBackfilled).toBeGreaterThanOrEqual(30);
    await waitFor(async () => (await tickerStub("SOL/USDT").status()).feed.status === "live", "live again");
    await advance(s, 5);
    await untilMinute("SOL/USDT", start + 44 * MIN);
    const ts = (await tickerStub("SOL/USDT").candles("1m", 2000)).map((c) => c.t).filter((t) => t >= start - 60 * MIN);
    expect(contiguous(ts)).toEqual([]);
    expect(ts.at(-1)).toBe(start + 44 * MIN);
  });

  it("after a reconnect, the backfilled minutes' last price reaches the gate without waiting for a live frame", async () => {
    const start = Date.UTC(2026, 2, 25, 14);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["SOLUSDT"] });
    const gate = env.GATE.getByName("gate:feed-push");
    await gate.configure({ portfolio: "feed-push", venue: "fp", symbols: ["SOL/USDT"], decider: "rule" });
    await startTicker(s, "SOL/USDT", "feed-push", "fp");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await simPost(s, "fault", { type: "drop", refuseMs: 1500 });
    await advance(s, 10); // every frame of these minutes is lost: the gate has seen no price yet
    await untilMinute("SOL/USDT", start + 9 * MIN, 20_000, "fp");
    // Nothing more is replayed: only the reconnect's backfill can have told the gate the price.
    const st = await waitFor(
      async () => {
        const g = await gate.status();
        return g.lastTickAgoMs !== null ? g : null;
      },
      "a tick at the gate",
      5_000,
    );
    expect(st.now).toBe(start + 10 * MIN);
  });

  it("treats a silent socket as dead, reconnects and fills the silence", async () => {
    const start = Date.UTC(2025, 5, 4, 12);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    await startTicker(s, "BTC/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await advance(s, 3);
    await untilMinute("BTC/USDT", start + 2 * MIN);
    await simPost(s, "fault", { type: "silence", ms: 60_000 });
    await advance(s, 20);
    const st = await waitFor(
      async () => {
        const x = await tickerStub("BTC/USDT").status();
        return x.feed.lastError?.startsWith("no message for") && x.lastMinute === start + 22 * MIN ? x : null;
      },
      "silence detected and backfilled",
      20_000,
    );
    expect(st.feed.disconnects).toBeGreaterThanOrEqual(1);
    const ts = (await tickerStub("BTC/USDT").candles("1m", 2000)).map((c) => c.t).filter((t) => t >= start);
    expect(ts).toHaveLength(23);
    expect(contiguous(ts)).toEqual([]);
  });
});
