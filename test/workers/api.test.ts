import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, migrateD1, openStream, waitFor, worker } from "./support";

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("API auth", () => {
  it("/health answers without a token", async () => {
    const res = await api("/health", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, service: "edgetrader", ready: true, auth: { ready: true, reason: null }, execution: { mode: "paper", ready: true } });
  });

  it("every /api route refuses a missing or wrong token with 401", async () => {
    for (const path of ["/api/status", "/api/positions", "/api/trades", "/api/gate", "/api/equity", "/api/decisions", "/api/llm/usage"]) {
      const missing = await api(path, { token: null });
      expect(missing.status, path).toBe(401);
      expect((await errorOf(missing)).message).toBe("missing bearer token (Authorization: Bearer <token>)");
      const wrong = await api(path, { token: "test-tokeN" });
      expect(wrong.status, path).toBe(401);
      expect((await errorOf(wrong)).code).toBe("unauthorized");
    }
    expect((await api("/api/gate/wake", { method: "POST", token: null })).status).toBe(401);
    expect((await api("/api/engine/start", { method: "POST", token: null })).status).toBe(401);
  });

  it("the stream upgrade is authenticated before it reaches the StreamActor", async () => {
    const res = await worker().fetch("http://edgetrader.test/ws/stream", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
    const noUpgrade = await api("/ws/stream");
    expect(noUpgrade.status).toBe(426);
  });
});

describe("API validation", () => {
  it("answers bad query parameters with 400 and a readable reason, never 500", async () => {
    await migrateD1();
    const cases: [string, RegExp][] = [
      ["/api/trades?limit=abc", /^invalid query parameters: limit: must be a number/],
      ["/api/trades?limit=0", /limit: Too small/],
      ["/api/trades?limit=5000", /limit: Too big/],
      ["/api/trades?limit=1.5", /limit: must be an integer/],
      ["/api/trades?symbol=btcusdt", /symbol: symbol must look like BTC\/USDT/],
      ["/api/trades?limt=5", /Unrecognized key.*limt/],
      ["/api/positions?status=sideways", /status: Invalid option/],
      ["/api/equity?from=10&to=5", /from must be before to/],
      ["/api/equity?from=-1", /from: Too small/],
      ["/api/gate?opened=maybe", /opened: Invalid option/],
      ["/api/decisions/DROP%20TABLE", /invalid decision id: decision ids look like main-d12/],
      ["/api/orders?before=yesterday", /before: must be a number/],
      ["/api/decisions?kind=everything", /kind: Invalid option/],
    ];
    for (const [path, message] of cases) {
      const res = await api(path);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).message, path).toMatch(message);
    }
  });

  it("answers bad bodies with 400 and a readable reason", async () => {
    const bad = await api("/api/engine/start", { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({ code: "invalid_json", message: "request body is not valid JSON" });
    const sym = await api("/api/engine/start", { method: "POST", body: JSON.stringify({ symbols: ["BTCUSDT"] }) });
    expect(sym.status).toBe(400);
    expect((await errorOf(sym)).message).toMatch(/symbols\.0: symbol must look like BTC\/USDT/);
    const cash = await api("/api/engine/start", { method: "POST", body: JSON.stringify({ initialCash: -5 }) });
    expect((await errorOf(cash)).message).toMatch(/initialCash: Too small/);
    const wake = await api("/api/gate/wake", { method: "POST", body: JSON.stringify({ reason: 5 }) });
    expect(wake.status).toBe(400);
    expect((await errorOf(wake)).message).toMatch(/reason: Invalid input: expected string/);
  });

  it("refuses a start with a symbol the exchange does not list, naming it, and changes nothing", async () => {
    const gateBefore = await (await api("/api/gate")).json();
    const res = await api("/api/engine/start", { method: "POST", body: JSON.stringify({ symbols: ["BTC/USDT", "DOGE/USDT"] }) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "unknown_symbol", message: "the exchange does not trade DOGE/USDT (not listed); nothing was changed" });
    expect(await (await api("/api/gate")).json()).toEqual(gateBefore);
    expect((await env.TICKER.getByName("ticker:binance:DOGEUSDT").status()).symbol).toBeNull();
    expect((await env.TICKER.getByName("ticker:binance:BTCUSDT").status()).symbol).toBeNull();
  });

  it("says what is missing: unknown routes 404, a wake before start 409, an unknown decision 404", async () => {
    await migrateD1();
    const nf = await api("/api/nope");
    expect(nf.status).toBe(404);
    expect(await errorOf(nf)).toEqual({ code: "not_found", message: "no route GET /api/nope" });
    const wake = await api("/api/gate/wake", { method: "POST", body: "{}" });
    expect(wake.status).toBe(409);
    const dec = await api("/api/decisions/main-d999");
    expect(dec.status).toBe(404);
  });

  it("reports Claude's spend, budget and breaker without the key", async () => {
    const res = await api("/api/llm/usage");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ decider: "rule", apiKeyConfigured: true, model: "claude-sonnet-4-6", promptVersion: "decide-v5", dailyBudgetUsd: 5, remainingTodayUsd: 5 });
    expect(body.breaker).toEqual({ state: "closed", consecutiveFailures: 0, openedAt: null, lastFailure: null });
    expect(body.today).toMatchObject({ calls: 0, costUsd: 0 });
    expect(JSON.stringify(body)).not.toContain("test-key");
  });

  it("lists empty history as empty lists", async () => {
    await migrateD1();
    for (const [path, key] of [
      ["/api/trades", "trades"],
      ["/api/positions", "positions"],
      ["/api/equity", "equity"],
      ["/api/decisions", "decisions"],
    ] as const) {
      const res = await api(path);
      expect(res.status, path).toBe(200);
      expect((await res.json()) as Record<string, unknown>, path).toEqual({ [key]: [] });
    }
  });
});

describe("strategies, signals, learner and regime routes", () => {
  it("lists the registered strategies and enables, disables and re-parameterises them with validation", async () => {
    const list = (await (await api("/api/strategies")).json()) as { strategies: { name: string; enabled: boolean; params: Record<string, unknown> }[] };
    expect(list.strategies.map((s) => [s.name, s.enabled])).toEqual([
      ["regime-blend", true],
      ["rsi-mean-reversion", true],
      ["funding-rate", true],
      ["funding-arb", false],
      ["funding-oi", true],
      ["momentum-breakout", true],
    ]);
    const bad = await api("/api/strategies/rsi-mean-reversion", { method: "PATCH", body: JSON.stringify({ params: { overbought: "high" } }) });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/strategy "rsi-mean-reversion": invalid params: overbought/);
    const unknown = await api("/api/strategies/moon-shot", { method: "PATCH", body: JSON.stringify({ enabled: true }) });
    expect(unknown.status).toBe(404);
    const empty = await api("/api/strategies/funding-arb", { method: "PATCH", body: "{}" });
    expect(empty.status).toBe(400);
    const on = await api("/api/strategies/funding-arb", { method: "PATCH", body: JSON.stringify({ enabled: true, params: { threshold: 0.001 } }) });
    expect(on.status).toBe(200);
    expect(((await on.json()) as any).strategy).toMatchObject({ name: "funding-arb", enabled: true, params: { threshold: 0.001 } });
    const after = (await (await api("/api/strategies")).json()) as { strategies: { name: string; enabled: boolean }[] };
    expect(after.strategies.find((s) => s.name === "funding-arb")!.enabled).toBe(true);
  });

  it("validates signal filters and serves the learner's state", async () => {
    await migrateD1();
    expect((await api("/api/signals?action=BUY")).status).toBe(400);
    expect(((await (await api("/api/signals")).json()) as { signals: unknown[] }).signals).toEqual([]);
    const status = (await (await api("/api/learner/status")).json()) as any;
    expect(status).toMatchObject({ trades: 0, minTradesForWeights: 5, regimeMinTrades: 3 });
    expect(status.global.quant).toMatchObject({ alpha: 1, beta: 1, mean: 0.5, source: "global" });
    const weights = (await (await api("/api/learner/weights?regime=trending_up")).json()) as any;
    expect(weights.sampled.source).toBe("defaults");
    expect(weights.sampled.weights.quant).toBeCloseTo(0.35, 12);
    expect((await api("/api/learner/weights?regime=Robert')")).status).toBe(400);
    expect(((await (await api("/api/regime")).json()) as any).tickers).toEqual([]);
  });
});

describe("stream", () => {
  it("numbers events, filters by topic and catches up from a sequence number", async () => {
    const stream = env.STREAM.getByName("stream:main");
    const all = await openStream();
    const positions = await openStream("?topics=position.*");
    const s1 = await stream.publish({ type: "order.filled", ts: 1, data: { a: 1 } });
    const s2 = await stream.publish({ type: "position.opened", ts: 2, data: { b: 2 } });
    const s3 = await stream.publish({ type: "position.closed", ts: 3, data: { c: 3 } });
    expect([s2 - s1, s3 - s2]).toEqual([1, 1]);
    const wait = () => new Promise((r) => setTimeout(r, 200));
    await wait();
    expect(all.events.filter((e) => e.type !== "stream.hello").map((e) => [e.seq, e.type, e.data])).toEqual([
      [s1, "order.filled", { a: 1 }],
      [s2, "position.opened", { b: 2 }],
      [s3, "position.closed", { c: 3 }],
    ]);
    expect(positions.events.filter((e) => e.type !== "stream.hello").map((e) => e.type)).toEqual(["position.opened", "position.closed"]);
    const late = await openStream(`?since=${s1}`);
    await wait();
    expect(late.events.map((e) => e.seq)).toEqual([s3, s2, s3]);
    expect(late.events[0]!.type).toBe("stream.hello");

    positions.ws.send("not json");
    positions.ws.send(JSON.stringify({ subscribe: ["order.filled"] }));
    await wait();
    const tail = positions.events.slice(-2);
    expect(tail[0]!.type).toBe("stream.error");
    expect(tail[1]).toMatchObject({ type: "stream.ack", data: { topics: ["position.*", "order.filled"] } });
    for (const c of [all, positions, late]) c.ws.close();
  });

  it("says in the hello when `since` is older than the kept log, and which events are gone", async () => {
    const stream = env.STREAM.getByName("stream:main");
    let last = 0;
    for (let i = 0; i < 650; i++) last = await stream.publish({ type: "order.filled", ts: 1_774_000_000_000 + i, data: { i } });
    const oldest = last - 499; // the log keeps at least the last 500
    const late = await openStream("?since=0");
    await waitFor(async () => late.events.at(-1)?.seq === last, "replay to the newest event", 5_000);
    const hello = late.events[0]!;
    const firstReplayed = late.events[1]!.seq;
    expect(firstReplayed).toBeGreaterThan(1);
    expect(firstReplayed).toBeLessThanOrEqual(oldest);
    expect(hello).toMatchObject({ type: "stream.hello", data: { replayFrom: firstReplayed - 1, requestedSince: 0, missed: { from: 1, to: firstReplayed - 1 } } });
    // Feed-clock mode: the stream's time is its newest event's, not 0.
    expect(hello.ts).toBe(1_774_000_000_000 + 649);
    expect(late.events.slice(1).map((e) => e.seq)).toEqual(Array.from({ length: last - firstReplayed + 1 }, (_, i) => firstReplayed + i));
    // A `since` inside the log replays from it and reports nothing missed.
    const recent = await openStream(`?since=${last - 3}`);
    await waitFor(async () => recent.events.length === 4, "hello and three events", 5_000);
    expect(recent.events[0]!.data).toEqual({ topics: [], replayFrom: last - 3 });
    for (const c of [late, recent]) c.ws.close();
  });

  it("sends bars to the sockets connected now but keeps them out of the replay log", async () => {
    const stream = env.STREAM.getByName("stream:main");
    const live = await openStream("?topics=bar,order.filled");
    const before = await stream.publish({ type: "order.filled", ts: 10, data: { n: 1 } });
    const bar = await stream.publish({ type: "bar", ts: 11, data: { symbol: "BTC/USDT" } });
    const after = await stream.publish({ type: "order.filled", ts: 12, data: { n: 2 } });
    expect([bar - before, after - bar]).toEqual([1, 1]);
    await waitFor(async () => live.events.some((e) => e.seq === after), "the live events", 5_000);
    expect(live.events.filter((e) => e.type !== "stream.hello").map((e) => e.type)).toEqual(["order.filled", "bar", "order.filled"]);
    const late = await openStream(`?since=${before - 1}`);
    await waitFor(async () => late.events.some((e) => e.seq === after), "the replay", 5_000);
    expect(late.events.slice(1).map((e) => e.seq)).toEqual([before, after]);
    for (const c of [live, late]) c.ws.close();
  });

  it("holds at most 64 topics per socket: one more is refused with a reason, and the socket keeps working", async () => {
    const client = await openStream("?topics=position.*");
    const topics = Array.from({ length: 63 }, (_, i) => `custom.t${"x".repeat(50)}-${i}`.slice(0, 64).replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)]!));
    client.ws.send(JSON.stringify({ subscribe: topics }));
    await waitFor(async () => client.events.at(-1)?.type === "stream.ack", "ack", 5_000);
    expect(client.events.at(-1)!.data.topics).toHaveLength(64);
    client.ws.send(JSON.stringify({ subscribe: ["order.filled"] }));
    await waitFor(async () => client.events.at(-1)?.type === "stream.error", "refusal", 5_000);
    expect(client.events.at(-1)!.data.message).toMatch(/^at most 64 topics per connection \(this would make 65\)/);
    expect(client.events.at(-1)!.data.topics).toHaveLength(64);
    client.ws.send(JSON.stringify({ subscribe: ["Not A Topic"] }));
    await waitFor(async () => client.events.filter((e) => e.type === "stream.error").length === 2, "second refusal", 5_000);
    const seq = await env.STREAM.getByName("stream:main").publish({ type: "position.opened", ts: 5, data: {} });
    await waitFor(async () => client.events.at(-1)?.seq === seq, "an event after the refusals", 5_000);
    client.ws.send(JSON.stringify({ ping: 1 }));
    await waitFor(async () => client.events.at(-1)?.type === "stream.pong", "pong", 5_000);
    client.ws.close();
  });

  it("rejects a malformed topic list with 400", async () => {
    const res = await api("/ws/stream?topics=%3Cscript%3E", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(400);
  });
});
