import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { CHALLENGER_PROMPT_VERSION, PROMPT_VERSION } from "../../src/lib/decide/prompt";
import { ALL_FEEDS_CONNECTED_MS, advance, api, createSession, migrateD1, simState, startPortfolio, stopStartedPortfolios, tickerStub, untilMinute, waitFor, type SimSession } from "./support";

/**
 * Champion and challenger portfolios on one feed (issue 12 item 6), on this file's own simulator session. The
 * portfolios decide by the rule pipeline (Claude's tests share the local Messages-API server and live in
 * claude-decider.test.ts, which checks that each portfolio's decisions carry its own prompt version); here: one
 * ticker per symbol feeding both gates, both deciding, the API addressing each with `?portfolio=` and comparing them.
 */
const SYMBOLS = ["BTC/USDT", "ETH/USDT"];
const START = "2026-03-26T15:50:00Z"; // the 16:00 4h close (the decision timeframe's) comes 10 minutes in
const MIN = 60_000;
const CHAMPION = "main";
const CHALLENGER = "main-challenger";

type Gate = Awaited<ReturnType<typeof startPortfolio>>["gate"];
const verdicts = async (gate: Gate) => Object.values((await gate.status()).counts).reduce((a, n) => a + n, 0);

async function json(res: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await res;
  const body = await r.json();
  expect(r.status, JSON.stringify(body).slice(0, 300)).toBe(status);
  return body;
}

/** Replays minutes once every feed is connected and live (a manual session is silent in between). */
async function advanceLive(session: SimSession, minutes: number): Promise<void> {
  await waitFor(
    async () => {
      const feeds = await Promise.all(SYMBOLS.map(async (s) => (await tickerStub(s).status()).feed.status));
      return feeds.every((f) => f === "live") && (await simState(session)).connections >= SYMBOLS.length;
    },
    "every feed live",
    ALL_FEEDS_CONNECTED_MS,
  );
  await advance(session, minutes);
}

describe("champion and challenger portfolios side by side on one feed", () => {
  afterAll(stopStartedPortfolios);
  let session: SimSession;
  let champion: Gate;
  let challenger: Gate;

  it("one ticker per symbol feeds both gates: both see every tick and close, and both decide", async () => {
    await migrateD1();
    session = await createSession({ start: START, symbols: ["BTCUSDT", "ETHUSDT"] });
    champion = (await startPortfolio({ portfolio: CHAMPION, venue: "binance", session, symbols: SYMBOLS, decider: "rule" })).gate;
    challenger = (
      await startPortfolio({
        portfolio: CHALLENGER,
        venue: "binance",
        session,
        symbols: SYMBOLS,
        decider: "rule",
        promptVersion: CHALLENGER_PROMPT_VERSION,
        model: "claude-haiku-4-5",
        dailyBudgetUsd: 1,
      })
    ).gate;
    // The second start joined the feeds the first opened: no second socket, both portfolios subscribed.
    for (const s of SYMBOLS) expect((await tickerStub(s).status()).subscribers, s).toEqual([CHAMPION, CHALLENGER]);
    expect((await simState(session)).connections).toBe(SYMBOLS.length);

    await advanceLive(session, 12);
    for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 11 * MIN);
    const [a, b] = await waitFor(
      async () => {
        const [x, y] = await Promise.all([champion.status(), challenger.status()]);
        return x.decisions >= 1 && y.decisions >= 1 && x.state.inFlight === null && y.state.inFlight === null ? [x, y] : null;
      },
      "both gates decided on the 4h close",
      30_000,
    );
    for (const g of [a, b]) {
      expect(g.lastTickAgoMs).not.toBeNull();
      expect(
        g.recent.some((r) => r.layer === "candle_close" && r.open),
        JSON.stringify(g.recent.slice(0, 5)),
      ).toBe(true);
    }
    // The same ticks and closes reached both (one verdict each).
    await waitFor(async () => (await verdicts(champion)) === (await verdicts(challenger)), "the same verdict count on both gates", 10_000);
    expect(await verdicts(champion)).toBeGreaterThan(20);

    // Each decision is its own portfolio's: ids, rows and the settings each gate runs with.
    const rows = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT id, portfolio, status, decider FROM decisions WHERE kind = 'decision' AND status = 'executed' ORDER BY id").all<any>()).results;
      return new Set(r.map((x) => x.portfolio)).size === 2 ? r : null;
    }, "executed decisions of both portfolios in D1");
    for (const r of rows) expect(r.id.startsWith(`${r.portfolio}-d`), r.id).toBe(true);
    expect(await champion.llmStatus()).toMatchObject({ decider: "rule", promptVersion: PROMPT_VERSION, model: "claude-sonnet-4-6", dailyBudgetUsd: 5 });
    expect(await challenger.llmStatus()).toMatchObject({ decider: "rule", promptVersion: CHALLENGER_PROMPT_VERSION, model: "claude-haiku-4-5", dailyBudgetUsd: 1 });
  }, 120_000);

  it("GET /api/portfolios answers both, side by side, with their settings and figures", async () => {
    const body = await waitFor(async () => {
      const r = await json(api("/api/portfolios"));
      return r.portfolios.every((p: any) => p.figures.maxDrawdownPct !== null) ? r : null;
    }, "equity snapshots of both portfolios");
    expect(body.portfolios.map((p: any) => p.name)).toEqual([CHAMPION, CHALLENGER]);
    const [a, b] = body.portfolios;
    expect(a).toMatchObject({ configured: true, symbols: SYMBOLS, settings: { decider: "rule", promptVersion: PROMPT_VERSION, model: "claude-sonnet-4-6", dailyBudgetUsd: 5 } });
    expect(b).toMatchObject({ configured: false, symbols: SYMBOLS, settings: { decider: "rule", promptVersion: CHALLENGER_PROMPT_VERSION, model: "claude-haiku-4-5", dailyBudgetUsd: 1 } });
    for (const p of [a, b]) {
      expect(p.figures).toMatchObject({ initialCash: 10_000, closedTrades: 0, claudeCalls: 0, costUsd: 0, costUsdPerDay: 0, days: 1 });
      expect(p.figures.decisions).toBeGreaterThanOrEqual(1);
      expect(typeof p.figures.returnPct).toBe("number");
      expect(p.figures.maxDrawdownPct).toBeGreaterThanOrEqual(0);
      expect(p.startedAt).toBeGreaterThan(0);
    }
    expect(body.promptVersions.map((v: any) => v.name)).toEqual([PROMPT_VERSION, CHALLENGER_PROMPT_VERSION, "decide-v4"]);
  });

  it("?portfolio= addresses either one on the routes that read or act on a portfolio; an unknown one is 404", async () => {
    expect((await json(api(`/api/llm/usage?portfolio=${CHALLENGER}`))).promptVersion).toBe(CHALLENGER_PROMPT_VERSION);
    expect((await json(api("/api/llm/usage"))).promptVersion).toBe(PROMPT_VERSION);
    expect((await json(api(`/api/status?portfolio=${CHALLENGER}`))).portfolio).toBe(CHALLENGER);
    const own = (await json(api(`/api/decisions?portfolio=${CHALLENGER}`))).decisions;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((d: any) => d.id.startsWith(`${CHALLENGER}-d`))).toBe(true);
    expect((await json(api("/api/decisions"))).decisions.every((d: any) => d.id.startsWith(`${CHAMPION}-d`))).toBe(true);
    // A decision is found under its own portfolio only.
    expect((await json(api(`/api/decisions/${own[0].id}?portfolio=${CHALLENGER}`))).decision.id).toBe(own[0].id);
    await json(api(`/api/decisions/${own[0].id}`), 404);
    expect((await json(api(`/api/gate?portfolio=${CHALLENGER}&limit=5`))).portfolio).toBe(CHALLENGER);

    const unknown = await json(api("/api/trades?portfolio=nope"), 404);
    expect(unknown.error).toMatchObject({ code: "unknown_portfolio", message: `no portfolio "nope" was started here; portfolios: ${CHAMPION}, ${CHALLENGER}` });
    expect((await json(api("/api/trades?portfolio=Not%20A%20Name"), 400)).error.message).toMatch(/^invalid query parameters: portfolio: portfolio names are/);
    // Routes about no portfolio take no `portfolio`.
    expect((await json(api("/api/candles?symbol=BTC/USDT&tf=1h&portfolio=main"), 400)).error.code).toBe("invalid_query");

    const doc = await json(api("/openapi.json", { token: null }));
    const trades = doc.paths["/api/trades"].get;
    expect(trades.parameters.find((p: any) => p.name === "portfolio")).toMatchObject({ in: "query", required: false });
    expect(trades.responses["404"].description).toMatch(/unknown_portfolio/);
    expect(doc.paths["/api/portfolios"].get["x-scope"]).toBe("read");
  });

  it("a start refuses an unknown prompt version or an unpriced model with 400, changing nothing", async () => {
    const version = await json(api("/api/engine/start", { method: "POST", body: JSON.stringify({ portfolio: "third", promptVersion: "decide-v0" }) }), 400);
    expect(version.error).toMatchObject({
      code: "invalid_body",
      message: `invalid request body: promptVersion: unknown prompt version "decide-v0"; known: ${PROMPT_VERSION}, ${CHALLENGER_PROMPT_VERSION}, decide-v4`,
    });
    const model = await json(api("/api/engine/start", { method: "POST", body: JSON.stringify({ portfolio: "third", model: "gpt-4o" }) }), 400);
    expect(model.error.code).toBe("unknown_model");
    expect(model.error.message).toMatch(/^no price is configured for model "gpt-4o" .*priced: claude-sonnet-4-6/);
    await json(api("/api/status?portfolio=third"), 404);
  });

  it("raising Claude's limits above the config needs the admin scope; new portfolios are bounded", async () => {
    const created = await json(api("/api/tokens", { method: "POST", body: JSON.stringify({ name: "operator", scope: "trade" }) }), 201);
    const trade = created.token as string;
    const raised = await json(api("/api/engine/start", { method: "POST", token: trade, body: JSON.stringify({ portfolio: "third", dailyBudgetUsd: 50_000, maxCallsPerDay: 5_000 }) }), 403);
    expect(raised.error.message).toBe("raising Claude's limits above the config (dailyBudgetUsd 50000 > 5, maxCallsPerDay 5000 > 12) needs the admin scope; nothing was changed");
    await json(api("/api/status?portfolio=third"), 404);
    // Four portfolios started (the default maxPortfolios): a fifth name is refused before anything starts.
    const now = Date.now();
    for (const name of ["p-a", "p-b"]) await env.DB.prepare("INSERT OR IGNORE INTO portfolios (name, venue, symbols_json, started_at) VALUES (?, 'binance', '[]', ?)").bind(name, now).run();
    const fifth = await json(api("/api/engine/start", { method: "POST", body: JSON.stringify({ portfolio: "p-c" }) }), 409);
    expect(fifth.error.code).toBe("too_many_portfolios");
    expect(fifth.error.message).toMatch(/^at most 4 portfolios \(config maxPortfolios\); started: /);
    await env.DB.prepare("DELETE FROM portfolios WHERE name IN ('p-a', 'p-b')").run();
  });

  it("stopping the challenger leaves the feeds running for the champion alone", async () => {
    const stopped = await json(api(`/api/engine/stop?portfolio=${CHALLENGER}`, { method: "POST", body: "{}" }));
    expect(stopped).toEqual({ portfolio: CHALLENGER, stopped: SYMBOLS, shared: SYMBOLS.map((symbol) => ({ symbol, portfolios: [CHAMPION] })) });
    for (const s of SYMBOLS) expect((await tickerStub(s).status()).subscribers).toEqual([CHAMPION]);
    const a0 = await verdicts(champion);
    const left = Date.now();
    await advanceLive(session, 2);
    for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 13 * MIN);
    await waitFor(async () => (await verdicts(champion)) > a0, "the champion's gate still fed");
    // No tick reached the challenger since it left (its watchdog may still count a verdict: ticks, not verdicts).
    expect((await challenger.status()).lastTickAgoMs).toBeGreaterThanOrEqual(Date.now() - left - 100);
    expect((await champion.status()).lastTickAgoMs).toBeLessThan(Date.now() - left);
    // Stopped, its gate decides nothing: a watchdog finding its feeds silent for 10 minutes forces no decision (it
    // would ask Claude under that decider), no watchdog is left to run, and a manual wake is refused with the reason.
    const before = await challenger.status();
    expect(before).toMatchObject({ stopped: true, state: { inFlight: null } });
    await runInDurableObject(challenger, async (instance) => {
      (instance as unknown as { lastTickWall: number }).lastTickWall = Date.now() - 10 * MIN;
      await (instance as unknown as { watchdog: () => Promise<void> }).watchdog();
    });
    expect((await challenger.status()).state).toEqual(before.state);
    expect((await challenger.status()).decisions).toBe(before.decisions);
    await runInDurableObject(challenger, (_i, state) => expect(state.storage.sql.exec("SELECT name FROM _timers WHERE name = 'watchdog'").toArray()).toEqual([]));
    const wake = await json(api(`/api/gate/wake?portfolio=${CHALLENGER}`, { method: "POST", body: JSON.stringify({ reason: "while stopped" }) }), 409);
    expect(wake.error.message).toBe("the engine is stopped: POST /api/engine/start first");
    expect((await json(api(`/api/status?portfolio=${CHALLENGER}`))).gate).toMatchObject({ stopped: true, inFlight: null });
    // Every way in is shut, not the watchdog alone: a wake through the RPC, and a dry run (a model call).
    expect(await challenger.wake("straight to the actor")).toMatchObject({ open: false, skip: "engine stopped" });
    expect((await challenger.status()).decisions).toBe(before.decisions);
    const dry = await json(api(`/api/decisions/dry-run?portfolio=${CHALLENGER}`, { method: "POST", body: "{}" }), 409);
    expect(dry.error.message).toBe("the engine is not started, or stopped: POST /api/engine/start first");
    // Started again, it joins the running feeds, and its watchdog runs again.
    await startPortfolio({ portfolio: CHALLENGER, venue: "binance", session, symbols: SYMBOLS, decider: "rule", promptVersion: CHALLENGER_PROMPT_VERSION });
    for (const s of SYMBOLS) expect((await tickerStub(s).status()).subscribers).toEqual([CHAMPION, CHALLENGER]);
    expect((await challenger.status()).stopped).toBe(false);
    await runInDurableObject(challenger, (_i, state) => expect(state.storage.sql.exec("SELECT name FROM _timers WHERE name = 'watchdog'").toArray()).toHaveLength(1));
    // A stop while a decision is open and not yet answered abandons it: it asks no decider and places no order.
    const opened = await runInDurableObject(challenger, async (instance) => {
      const gate = instance as unknown as { wake: (r: string) => Promise<{ open: boolean }>; stop: () => Promise<unknown> };
      const wake = gate.wake("just before a stop"); // opened in its first synchronous step, its run not yet begun
      await gate.stop();
      return (await wake).open;
    });
    expect(opened).toBe(true);
    const id = `${CHALLENGER}-d${(await challenger.status()).decisions}`;
    expect((await challenger.status()).state.inFlight).toBeNull();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await env.DB.prepare("SELECT status FROM decisions WHERE id = ?").bind(id).first()).toBeNull();
  }, 60_000);
});

describe("a ticker's subscribers in storage", () => {
  it("state from before the list feeds the one portfolio of its setup; a corrupt list is quarantined, never thrown", async () => {
    const stub = tickerStub("SOL/USDT", "legacy");
    const setup = { portfolio: "old", venue: "legacy", symbol: "SOL/USDT", feedWsUrl: "ws://127.0.0.1:9/", restUrl: "http://127.0.0.1:9" };
    await runInDurableObject(stub, (_i, state) => {
      state.storage.kv.put("setup", setup);
      state.storage.kv.delete("subscribers");
    });
    await evictDurableObject(stub);
    expect((await stub.status()).subscribers).toEqual(["old"]);

    await runInDurableObject(stub, (_i, state) => state.storage.kv.put("subscribers", "old,new"));
    await evictDurableObject(stub);
    expect((await stub.status()).subscribers).toEqual(["old"]);
    expect((await stub.kernelStatus()).quarantined).toBe(1);

    // Leaving: another portfolio's stop changes nothing; the last one's stops the feed.
    expect(await stub.stop("other")).toEqual({ feedStopped: false, subscribers: ["old"] });
    expect(await stub.stop("old")).toEqual({ feedStopped: true, subscribers: [] });
    expect((await stub.status()).subscribers).toEqual([]);
  });
});
