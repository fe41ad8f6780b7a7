import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GROUPS } from "../../src/api/app";
import type { RegisteredRoute } from "../../src/api/contract";
import { openApiPath } from "../../src/api/openapi";
import workerModule from "../../src/worker";
import { expectedStatuses, fuzzRequest, operations, rng } from "./api-fuzz";
import { advance, api, createSession, migrateD1, startPortfolio, untilOpen, waitFor, worker, TOKEN, type SimSession } from "./support";

/**
 * Seeded bad requests over every documented route (FUZZ_REQUESTS, 3000 by default, seed FUZZ_SEED) against
 * the real worker with a running engine: no answer is a 5xx, and the engine trades afterwards. Every answer
 * that is a 2xx is checked against the route's documented response schema. `npm run fuzz -- --requests N
 * --seed S` runs it bigger.
 */
const bindings = env as unknown as Record<string, string | undefined>;
const REQUESTS = Number(bindings.FUZZ_REQUESTS ?? "3000");
const SEED = Number(bindings.FUZZ_SEED ?? "1");
const START = Date.UTC(2026, 2, 27, 12);
const CONCURRENCY = Number(bindings.FUZZ_CONCURRENCY ?? "8");
const DEBUG = bindings.FUZZ_DEBUG === "1";
/** 503s that are a closed door, not a fault: the Telegram webhook has no secret in this project. */
const CLOSED = new Set(["telegram_not_configured"]);

const account = () => env.ACCOUNT.getByName("account:main");
const position = (id: string) => env.POSITION.getByName(`position:main:${id}`);

/**
 * The worker's own fetch handler (src/worker.ts's default export, what SELF dispatches to) with the test's
 * bindings. The first SELF_SHARE requests go through SELF; the rest call the handler directly because a SELF
 * request here costs more the more came before it (4 ms at first, 80 ms after 300: 3000 would take minutes).
 */
const SELF_SHARE = 200;
async function send(i: number, url: string, init: RequestInit): Promise<Response> {
  if (i < SELF_SHARE) return worker().fetch(url, init);
  const ctx = createExecutionContext();
  const res = await workerModule.fetch!(new Request(url, init) as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function routeOf(method: string, path: string): RegisteredRoute | undefined {
  return GROUPS.flatMap((g) => g.routes).find((r) => r.method.toUpperCase() === method && openApiPath(r.path) === path);
}

/** Opens a position through the account (as a decision would) and fills it at the feed's next price. */
async function openPosition(session: SimSession, symbol: string, decisionId: string): Promise<string> {
  const r = await account().requestEntry({ decisionId, at: START, symbol, positionPct: 0.2, agent: "fuzz", reason: "after the fuzz run" });
  expect(r.accepted, r.detail).toBe(true);
  await untilOpen(session, r.positionId!);
  return r.positionId!;
}

describe("API fuzz", () => {
  it(`${REQUESTS} seeded bad requests over every route: no 5xx, and the engine trades afterwards`, { timeout: 120_000 + REQUESTS * 40 }, async () => {
    await migrateD1();
    const session = await createSession({ start: new Date(START).toISOString(), symbols: ["BTCUSDT", "ETHUSDT"] });
    await startPortfolio({ portfolio: "main", venue: "binance", session, symbols: ["BTC/USDT", "ETH/USDT"], decider: "rule" });
    const strategiesBefore = await (await api("/api/strategies")).text();

    const doc = (await (await api("/openapi.json")).json()) as Record<string, any>;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);
    const r = rng(SEED);
    const started = Date.now();
    const byStatus = new Map<number, number>();
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    const routesHit = new Set<string>();
    let schemaChecked = 0;
    const timing = new Map<string, number[]>();

    for (let i = 0; i < REQUESTS; i += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, REQUESTS - i) }, (_, k) => fuzzRequest(doc, ops, i + k, r, TOKEN));
      await Promise.all(
        batch.map(async (req, k) => {
          const o = ops[(i + k) % ops.length]!;
          routesHit.add(`${o.method} ${o.path}`);
          byKind.set(req.kind, (byKind.get(req.kind) ?? 0) + 1);
          const t0 = Date.now();
          const res = await send(i + k, req.url, { method: req.method, headers: req.headers, ...(req.body === undefined ? {} : { body: req.body }) });
          if (DEBUG) timing.set(`${req.kind} ${o.method} ${o.path}`, [...(timing.get(`${req.kind} ${o.method} ${o.path}`) ?? []), Date.now() - t0]);
          const text = await res.text();
          byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
          const what = `#${i + k} ${req.kind} ${req.method} ${req.url.slice(0, 160)} → ${res.status} ${text.slice(0, 200)}`;
          let body: any = null;
          try {
            body = JSON.parse(text);
          } catch {
            if (res.status >= 400) failures.push(`${what}: the error is not JSON`);
          }
          if (res.status >= 500 && !(res.status === 503 && CLOSED.has(body?.error?.code))) failures.push(what);
          else if (res.status >= 400 && typeof body?.error?.message !== "string") failures.push(`${what}: not an error body`);
          else if (res.status >= 400 && typeof body.error.code !== "string" && body.jsonrpc !== "2.0") failures.push(`${what}: not an error body`);
          const expected = expectedStatuses(req.kind);
          if (expected && !expected.includes(res.status)) failures.push(`${what}: expected one of ${expected.join(", ")}`);
          if (req.method !== "GET" && res.status < 300) failures.push(`${what}: a malformed write was accepted`);
          if (res.status === 200 && req.method === "GET") {
            const route = routeOf(o.method, o.path);
            if (route?.def.response) {
              const check = route.def.response.safeParse(body);
              if (!check.success) failures.push(`${what}: does not match the documented response: ${check.error.message.slice(0, 300)}`);
              schemaChecked++;
            }
          }
        }),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz seed ${SEED}: ${REQUESTS} requests over ${routesHit.size} routes in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])))}; kinds ${JSON.stringify(Object.fromEntries(byKind))}; ${schemaChecked} 2xx answers checked against their schema`,
    );
    if (DEBUG) {
      const rows = [...timing].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0), v.length] as const).sort((a, b) => b[1] - a[1]);
      console.log(
        rows
          .slice(0, 25)
          .map(([k, total, n]) => `${total} ms / ${n}: ${k}`)
          .join("\n"),
      );
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(routesHit.size).toBe(ops.length);

    // Nothing the fuzz sent was acted on: same strategies, no operator action, no token.
    expect(await (await api("/api/strategies")).text()).toBe(strategiesBefore);
    const controls = (await (await api("/api/controls")).json()) as { tradingState: string; paused: unknown; kill: unknown; recentActions: unknown[] };
    expect(controls).toMatchObject({ tradingState: "ACTIVE", paused: null, kill: null, recentActions: [] });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens").first()).toEqual({ n: 0 });

    // The engine still trades: an entry fills at the feed's next price, an exit through the API closes it.
    // (A manual-mode session is quiet, so a feed may be between reconnects: the ticker's own silence check.)
    await waitFor(async () => {
      const status = (await (await api("/api/status")).json()) as { feeds: { status: string }[] };
      return status.feeds.length === 2 && status.feeds.every((f) => f.status === "live");
    }, "both feeds live");
    const id = await openPosition(session, "BTC/USDT", "main-d1");
    const exit = await api(`/api/positions/${id}/exit`, { method: "POST", body: JSON.stringify({ reason: "fuzz run is over" }) });
    expect(exit.status).toBe(200);
    await waitFor(
      async () => {
        if ((await position(id).status())?.status === "closed") return true;
        await advance(session, 1);
        return null;
      },
      `${id} closed`,
      20_000,
      300,
    );
    const trades = await waitFor(async () => {
      const t = ((await (await api("/api/trades")).json()) as { trades: { id: string; exit_kind: string }[] }).trades;
      return t.length ? t : null;
    }, "the trade row");
    expect(trades.map((t) => [t.id, t.exit_kind])).toEqual([[id, "operator"]]);

    // And the read routes' answers, now with data, match their documented schemas.
    for (const o of ops.filter((x) => x.method === "GET" && !x.path.includes("{") && x.op["x-scope"] !== "public" && x.path !== "/ws/stream" && x.path !== "/mcp")) {
      const route = routeOf(o.method, o.path)!;
      const REQUIRED_QUERY: Record<string, string> = {
        "/api/candles": "?symbol=BTC/USDT&timeframe=1h",
        "/api/funding": "?symbol=BTC/USDT",
        "/api/chart": "?symbol=BTC/USDT",
        "/api/risk/check": "?symbol=BTC/USDT&positionPct=0.1",
      };
      const query = REQUIRED_QUERY[o.path] ?? "";
      const res = await api(`${o.path}${query}`);
      expect(res.status, o.path).toBe(200);
      if (route.def.response) {
        const check = route.def.response.safeParse(await res.json());
        expect(check.success ? "ok" : check.error.message, o.path).toBe("ok");
      }
    }
    const decision = ((await (await api("/api/decisions?kind=all")).json()) as { decisions: { id: string }[] }).decisions;
    for (const d of decision.slice(0, 1)) {
      const check = routeOf("GET", "/api/decisions/{id}")!.def.response!.safeParse(await (await api(`/api/decisions/${d.id}`)).json());
      expect(check.success ? "ok" : check.error.message).toBe("ok");
    }
  });
});
