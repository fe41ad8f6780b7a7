import { env, exports as workerExports } from "cloudflare:workers";
import { applyD1Migrations, runInDurableObject } from "cloudflare:test";
import { inject } from "vitest";

export const TOKEN = "test-token";

export interface SimSession {
  id: string;
  restBase: string;
  wsBase: string;
  now: number;
}

/** A fresh simulator session: its own replay clock, balances, orders and sockets. */
export async function createSession(opts: { start: string; symbols?: string[]; partials?: number }): Promise<SimSession> {
  const res = await fetch(`${inject("simUrl")}/sim/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "manual", partials: 1, ...opts }),
  });
  if (!res.ok) throw new Error(`cannot create sim session: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function simPost(s: SimSession, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${s.restBase}/sim/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sim ${path} failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Replays `minutes` one-minute candles (partials then close) to every socket of the session. */
export async function advance(s: SimSession, minutes: number): Promise<void> {
  await simPost(s, "advance", { minutes });
}

export async function simState(s: SimSession): Promise<{ now: number; connections: number; ordersByClientId: Record<string, number> }> {
  return (await fetch(`${s.restBase}/sim/state`)).json();
}

/** Polls `probe` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function migrateD1(): Promise<void> {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}

export function tickerStub(symbol: string, venue = "binance") {
  return env.TICKER.getByName(`ticker:${venue}:${symbol.replace("/", "")}`);
}

/** Starts a ticker on a session, as POST /api/engine/start would. */
export function startTicker(s: SimSession, symbol: string, portfolio = "main", venue = "binance") {
  return tickerStub(symbol, venue).start({ portfolio, venue, symbol, feedWsUrl: s.wsBase, restUrl: s.restBase });
}

/** Waits until the ticker has applied the closed minute that opens at `t`. */
export function untilMinute(symbol: string, t: number, timeoutMs = 30_000, venue = "binance") {
  return waitFor(
    async () => {
      const st = await tickerStub(symbol, venue).status();
      return st.lastMinute !== null && st.lastMinute >= t ? st : null;
    },
    `${symbol} minute ${new Date(t).toISOString()}`,
    timeoutMs,
  );
}

/**
 * How long a test waits for every feed of a session to be connected at the same moment. A manual session is silent
 * between advances, so the tests' 2 s silence detector keeps replacing the sockets, while the venue's connect budget
 * admits one socket a second: three at once took up to 13 s on an idle machine.
 */
export const ALL_FEEDS_CONNECTED_MS = 25_000;

/** Waits until `n` sockets of the session are connected at the same moment. */
export async function feedsConnected(session: SimSession, n: number): Promise<void> {
  await waitFor(async () => (await simState(session)).connections >= n, "feeds connected", ALL_FEEDS_CONNECTED_MS);
}

/** What startPortfolio started, for stopStartedPortfolios. */
const startedTickers: { symbol: string; venue: string }[] = [];
const startedGates: string[] = [];

/**
 * Stops what startPortfolio started, as POST /api/engine/stop does: the tickers and the gates. Every session shares
 * the simulator's host, so every ticker shares one venue's connection spacing (a socket a second): tickers left running
 * by earlier tests keep replacing their silent sockets and starve a later test's feeds of connections. A gate left
 * running finds its feeds silent and its watchdog forces a decision: under Claude, a call a later test would count.
 */
export async function stopStartedPortfolios(): Promise<void> {
  for (const portfolio of startedGates.splice(0)) await env.GATE.getByName(`gate:${portfolio}`).stop();
  for (const t of startedTickers.splice(0)) await tickerStub(t.symbol, t.venue).stop();
}

/** A whole portfolio on its own simulator session: account, gate and tickers, as POST /api/engine/start does. */
export async function startPortfolio(o: {
  portfolio: string;
  venue: string;
  session: SimSession;
  symbols: string[];
  decider: "auto" | "claude" | "rule" | "replay";
  cash?: number;
  promptVersion?: string;
  model?: string;
  dailyBudgetUsd?: number;
  maxCallsPerDay?: number;
}) {
  await env.ACCOUNT.getByName(`account:${o.portfolio}`).init({ portfolio: o.portfolio, venue: o.venue, restUrl: o.session.restBase, symbols: o.symbols, initialCash: o.cash ?? 10_000 });
  const own = {
    ...(o.promptVersion ? { promptVersion: o.promptVersion } : {}),
    ...(o.model ? { model: o.model } : {}),
    ...(o.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: o.dailyBudgetUsd } : {}),
    ...(o.maxCallsPerDay !== undefined ? { maxCallsPerDay: o.maxCallsPerDay } : {}),
  };
  await env.GATE.getByName(`gate:${o.portfolio}`).configure({ portfolio: o.portfolio, venue: o.venue, symbols: o.symbols, decider: o.decider, ...own });
  if (!startedGates.includes(o.portfolio)) startedGates.push(o.portfolio);
  for (const sym of o.symbols) {
    await startTicker(o.session, sym, o.portfolio, o.venue);
    startedTickers.push({ symbol: sym, venue: o.venue });
  }
  await env.LEARNER.getByName(`learner:${o.portfolio}`).configure({ portfolio: o.portfolio, venue: o.venue, symbols: o.symbols });
  await feedsConnected(o.session, o.symbols.length);
  return { gate: env.GATE.getByName(`gate:${o.portfolio}`), account: env.ACCOUNT.getByName(`account:${o.portfolio}`) };
}

/** The local Messages-API server's default session, which the worker's ANTHROPIC_BASE_URL points at. */
export async function llmControl(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${inject("llmUrl")}/sim/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`llm sim ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The worker itself (the Hono app), called in-process like a client would over HTTP. */
export function worker(): Fetcher {
  return (workerExports as unknown as { default: Fetcher }).default;
}

export function api(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return worker().fetch(`http://edgetrader.test${path}`, { ...init, headers });
}

/** The simulator's default session, which backs the worker's FEED_WS_URL/EXCHANGE_REST_URL bindings. */
export function defaultSession(): SimSession {
  return { id: "default", restBase: inject("simUrl"), wsBase: inject("simWsUrl"), now: 0 };
}

/** A stream client: connects through GET /ws/stream and keeps every envelope it receives. */
export async function openStream(query = ""): Promise<{ events: { seq: number; ts: number; type: string; data: any }[]; ws: WebSocket }> {
  const res = await worker().fetch(`http://edgetrader.test/ws/stream${query}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${TOKEN}` } });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`stream upgrade failed: ${res.status} ${await res.text()}`);
  ws.accept();
  const events: { seq: number; ts: number; type: string; data: any }[] = [];
  ws.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
  return { events, ws };
}

/** Advances the replay a minute at a time until the position `main`'s `positionId` has its entry filled. */
export function untilOpen(s: SimSession, positionId: string, timeoutMs = 20_000): Promise<true> {
  return waitFor(
    async () => {
      if ((await env.POSITION.getByName(`position:main:${positionId}`).status())?.status === "open") return true;
      await advance(s, 1);
      return null;
    },
    `${positionId} filled`,
    timeoutMs,
    300,
  );
}

/** Every event a portfolio's StreamActor stored, oldest first. */
export async function streamEvents(portfolio: string): Promise<{ type: string; data: any }[]> {
  return runInDurableObject(env.STREAM.getByName(`stream:${portfolio}`), async (_instance, state) =>
    state.storage.sql
      .exec<{ json: string }>("SELECT json FROM events ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.json) as { type: string; data: any }),
  );
}
