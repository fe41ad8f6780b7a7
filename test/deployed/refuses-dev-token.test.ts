import { env, exports as workerExports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import type { Env } from "../../src/env";

/**
 * This project runs the worker as `wrangler deploy` configures it: wrangler.toml's top-level vars untouched, no
 * EDGETRADER_LOCAL, and the local dev token as the API_TOKEN secret (vitest.config.ts, deployedProject).
 */
const DEV_TOKEN = "edgetrader-dev-token";

function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${init.token ?? DEV_TOKEN}`);
  return (workerExports as unknown as { default: Fetcher }).default.fetch(`http://edgetrader.test${path}`, { ...init, headers });
}

/** The same app with another API_TOKEN (still no local marker). */
async function withRootToken(rootToken: string, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${rootToken}`);
  const res = await createApp().fetch(new Request(`http://edgetrader.test${path}`, { ...init, headers }), { ...(env as unknown as Env), API_TOKEN: rootToken }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("a deployed worker (no local marker)", () => {
  it("is configured with Binance market data and without the local marker", () => {
    expect(env.EDGETRADER_LOCAL).toBeUndefined();
    expect(env.FEED_WS_URL).toBe("wss://stream.binance.com:9443");
    expect(env.EXCHANGE_REST_URL).toBe("https://api.binance.com");
    expect(env.FUTURES_REST_URL).toBe("https://fapi.binance.com");
  });

  it("refuses to serve the API with the dev token: 503 insecure_token on every authenticated route", async () => {
    const cases: [string, RequestInit][] = [
      ["/api/status", {}],
      ["/api/strategies", {}],
      ["/api/engine/start", { method: "POST", body: "{}" }],
      ["/api/controls/pause", { method: "POST", body: JSON.stringify({ reason: "try" }) }],
      ["/api/tokens", { method: "POST", body: JSON.stringify({ name: "x", scope: "admin" }) }],
      ["/api/stream/ticket", { method: "POST" }],
      ["/ws/stream", { headers: { Upgrade: "websocket" } }],
    ];
    for (const [path, init] of cases) {
      const res = await call(path, { ...init, headers: { "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) } });
      expect(res.status, path).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error, path).toEqual({
        code: "insecure_token",
        message: "API_TOKEN is the local development token: set a real one with wrangler secret put API_TOKEN (npm run setup:cloudflare generates one)",
      });
    }
  });

  it("says so on /health: ready false with the reason code, and no secret", async () => {
    const res = await (workerExports as unknown as { default: Fetcher }).default.fetch("http://edgetrader.test/health");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: true, service: "edgetrader", ready: false, auth: { ready: false, reason: "insecure_token" }, execution: { mode: "paper", ready: true } });
    expect(text).not.toContain(DEV_TOKEN);
  });

  it("refuses a root token shorter than 32 characters and serves with one of 32", async () => {
    const short = await withRootToken("x".repeat(31), "/api/stream/ticket", { method: "POST" });
    expect(short.status).toBe(503);
    expect(((await short.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: "insecure_token",
      message: "API_TOKEN is shorter than 32 characters: set a real one with wrangler secret put API_TOKEN (npm run setup:cloudflare generates one)",
    });
    const ok = await withRootToken("y".repeat(32), "/api/stream/ticket", { method: "POST" });
    expect(ok.status).toBe(200);
    expect(Object.keys((await ok.json()) as object).sort()).toEqual(["expiresAt", "ticket", "url"]);
  });
});
