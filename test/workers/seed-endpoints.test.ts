import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advance, api, createSession, feedsConnected, migrateD1, openStream, startTicker, waitFor } from "./support";

// The seeds' endpoints on the configured portfolio ("main"), its actors set up on a session of its own.
const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
const START = "2026-03-26T12:00:00Z";

const json = async (res: Response): Promise<any> => res.json();

async function startMain() {
  await migrateD1();
  const s = await createSession({ start: START });
  await env.ACCOUNT.getByName("account:main").init({ portfolio: "main", venue: "binance", restUrl: s.restBase, symbols: SYMBOLS, initialCash: 10_000 });
  await env.GATE.getByName("gate:main").configure({ portfolio: "main", venue: "binance", symbols: SYMBOLS, decider: "rule" });
  for (const sym of SYMBOLS) await startTicker(s, sym);
  await env.LEARNER.getByName("learner:main").configure({ portfolio: "main", venue: "binance", symbols: SYMBOLS });
  await feedsConnected(s, SYMBOLS.length);
  return s;
}

describe("the seeds' endpoints", () => {
  it("answer before the engine starts with 409 not_started, never 500", async () => {
    await migrateD1();
    for (const [path, init] of [
      ["/api/risk/check?symbol=BTC/USDT&positionPct=0.1", {}],
      ["/api/decisions/dry-run", { method: "POST", body: "{}" }],
      ["/api/quant/rank", {}],
      ["/api/quant/retrain", { method: "POST", body: "{}" }],
    ] as const) {
      const res = await api(path, init);
      expect(res.status, path).toBe(409);
      expect((await json(res)).error.code, path).toBe("not_started");
    }
    expect((await api("/api/chart?symbol=BTC/USDT")).status).toBe(404);
    expect((await api("/api/risk/check?symbol=BTC/USDT&positionPct=2")).status).toBe(400);
    expect((await api("/api/chart?symbol=btc")).status).toBe(400);
  });

  it("risk check, dry run, votes, quant, broker, chart and stream status on a running engine", async () => {
    const s = await startMain();
    const stream = await openStream();

    // Risk check: the same check an entry gets; an operator pause makes it refuse, saying so.
    const ok = await json(await api("/api/risk/check?symbol=BTC/USDT&positionPct=0.1"));
    expect(ok).toMatchObject({ accepted: true, tradingState: "ACTIVE" });
    expect(ok.notional).toBeCloseTo(1_000, 0);
    expect((await api("/api/controls/pause", { method: "POST", body: JSON.stringify({ reason: "risk check test" }) })).status).toBe(200);
    const paused = await json(await api("/api/risk/check?symbol=BTC/USDT&positionPct=0.1"));
    expect(paused.accepted).toBe(false);
    expect(paused.detail).toMatch(/paused/);
    expect((await api("/api/controls/resume", { method: "POST", body: JSON.stringify({ reason: "risk check test done" }) })).status).toBe(200);

    // Dry run: the rule pipeline answers with its votes; nothing is recorded, executed or counted as a decision.
    const gateBefore = await env.GATE.getByName("gate:main").status();
    const dry = await json(await api("/api/decisions/dry-run", { method: "POST", body: "{}" }));
    expect(dry.decider).toMatch(/^rule/);
    expect(dry.decision.decisions.length).toBeGreaterThan(0);
    expect(dry.votes.map((v: any) => v.symbol).sort()).toEqual(SYMBOLS);
    expect(dry.tickers.map((t: any) => t.symbol)).toEqual(SYMBOLS);
    const gateAfter = await env.GATE.getByName("gate:main").status();
    expect(gateAfter.decisions).toBe(gateBefore.decisions);
    expect(gateAfter.state).toEqual(gateBefore.state);
    expect((await env.ACCOUNT.getByName("account:main").summary()).positions).toEqual([]);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM decisions WHERE portfolio = 'main'").first<{ n: number }>())!.n).toBe(0);

    // A real decision: its votes reach the votes route and the stream (with the regimes it saw).
    expect((await env.GATE.getByName("gate:main").wake("seed endpoints")).open).toBe(true);
    await waitFor(async () => env.DB.prepare("SELECT 1 FROM decisions WHERE id = 'main-d1' AND status = 'executed'").first(), "decision main-d1 executed");
    const votes = await waitFor(async () => {
      const v = (await json(await api("/api/signals/votes?decision=main-d1"))).votes as any[];
      return v.length === SYMBOLS.length ? v : null;
    }, "the decision's votes in D1");
    expect(votes[0]).toMatchObject({ decision_id: "main-d1", portfolio: "main" });
    expect(typeof votes[0].weights).toBe("object");
    await waitFor(async () => stream.events.some((e) => e.type === "decision.votes" && e.data.decisionId === "main-d1"), "decision.votes on the stream", 5_000);
    const regimes = stream.events.filter((e) => e.type === "regime.update");
    expect(regimes.map((e) => e.data.symbol).sort()).toEqual(SYMBOLS);

    // Closed minutes of the live feed come as bars (the manual replay is silent between advances: a socket the silence
    // detector replaced misses its frames, and the backfill sends no bars, so advance until one comes).
    for (let i = 0; i < 5 && !stream.events.some((e) => e.type === "bar"); i++) {
      await waitFor(async () => (await env.TICKER.getByName("ticker:binance:ETHUSDT").status()).feed.status === "live", "feed live");
      await advance(s, 1);
      await waitFor(async () => stream.events.some((e) => e.type === "bar"), "a bar on the stream", 2_000).catch(() => null);
    }
    const bar = stream.events.find((e) => e.type === "bar")!;
    expect(bar.data.tf).toBe("1m");
    expect(bar.ts).toBe(bar.data.candle.t + 60_000);

    // Quant: a ranking (or none before the first training) and a retrain that says what it did.
    const rank = await json(await api("/api/quant/rank"));
    expect(Array.isArray(rank.ranking)).toBe(true);
    if (rank.model && rank.reason === null) expect(rank.ranking.map((r: any) => r.symbol).sort()).toEqual(SYMBOLS);
    else expect(rank.reason).toMatch(/not trained yet|cannot score now/);
    const retrain = await api("/api/quant/retrain", { method: "POST", body: "{}" });
    expect(retrain.status).toBe(200);
    expect(typeof (await json(retrain)).reason).toBe("string");

    // Broker status: paper here, no secrets, every feed.
    const broker = await json(await api("/api/broker/status"));
    expect(broker).toMatchObject({ mode: "paper", broker: "paper", target: null, ready: true, credentials: { apiKey: false, apiSecret: false }, userStream: null });
    expect(broker.feeds.map((f: any) => f.symbol)).toEqual(SYMBOLS);

    // Chart: the ticker's candles, indicators over them, and 404 for a symbol the engine does not trade.
    const chart = await json(await api("/api/chart?symbol=BTC/USDT&tf=1h&limit=50"));
    expect(chart.candles).toHaveLength(50);
    expect(chart.indicators.ema20).toHaveLength(50);
    expect(chart.indicators.rsi14.at(-1).t).toBe(chart.candles.at(-1).t);
    expect(chart.indicators.rsi14.every((p: any) => p.v >= 0 && p.v <= 100)).toBe(true);
    expect((await api("/api/chart?symbol=DOGE/USDT")).status).toBe(404);

    // Stream status: this client, its topics, the kept log.
    const st = await json(await api("/api/stream/status"));
    expect(st.clients).toBeGreaterThanOrEqual(1);
    expect(st.seq).toBeGreaterThan(0);
    expect(st.topics["(all)"]).toBeGreaterThanOrEqual(1);
    stream.ws.close();
  }, 90_000);
});
