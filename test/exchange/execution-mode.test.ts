import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/api/app";
import { api, simPost, waitFor } from "../workers/support";
import { exchangePortfolio } from "./support";

const app = createApp();
const call = (path: string, over: Record<string, string | undefined>, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { Authorization: "Bearer test-token", "content-type": "application/json", ...(init.headers as Record<string, string>) } }, { ...env, ...over });

describe("execution mode at the API", () => {
  it("live mode without LIVE_TRADING=true refuses to start, and says so in /api/status and /health", async () => {
    const live = { EXECUTION_MODE: "live", LIVE_TRADING: undefined };
    const start = await call("/api/engine/start", live, { method: "POST", body: "{}" });
    expect(start.status).toBe(503);
    expect(((await start.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "execution_refused", message: expect.stringMatching(/LIVE_TRADING=true/) });
    const health = (await (await call("/health", live)).json()) as { execution: { mode: string; ready: boolean } };
    expect(health.execution).toEqual({ mode: "live", ready: false });
  });

  it("live mode without keys refuses to start", async () => {
    const res = await call("/api/engine/start", { EXECUTION_MODE: "live", LIVE_TRADING: "true", BINANCE_API_KEY: undefined, BINANCE_API_SECRET: undefined }, { method: "POST", body: "{}" });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/BINANCE_API_KEY and BINANCE_API_SECRET/);
  });

  it("/api/status shows the real mode", async () => {
    const body = (await (await api("/api/status")).json()) as { mode: string; execution: { broker: string; target: string; error: string | null } };
    expect(body.mode).toBe("testnet");
    expect(body.execution).toMatchObject({ broker: "exchange", target: "sim", error: null });
  });
});

describe("secrets", () => {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it("no key or secret appears in any log line or response of a trading round trip", async () => {
    const { session, account, position } = await exchangePortfolio("sec1");
    // A lost answer makes the position log a warning (the test's log level) with the broker's error.
    await simPost(session, "fault", { type: "lost_response", count: 1, path: "POST order" });
    const entry = await account.requestEntry({ decisionId: "sec1-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "secrets" });
    await waitFor(async () => (await account.summary()).positions.some((p) => p.id === entry.positionId && p.status === "open"), "open");
    await account.requestExit({ decisionId: "sec1-d2", at: Date.parse("2026-03-26T10:01:00Z"), symbol: "BTC/USDT", reason: "secrets" });
    await waitFor(async () => (await position(entry.positionId!).status())?.status === "closed", "closed");
    const bodies: string[] = [];
    for (const path of ["/api/status", "/api/positions", "/api/orders", "/api/trades", "/health"]) bodies.push(await (await api(path, path === "/health" ? { token: null } : {})).text());
    bodies.push(JSON.stringify(await position(entry.positionId!).status()), JSON.stringify(await account.summary()));
    // The actors log in this isolate: their lines are here.
    expect(lines.some((l) => l.includes("position.order_report"))).toBe(true);
    for (const text of [...lines, ...bodies]) {
      expect(text).not.toContain(env.BINANCE_API_SECRET!);
      expect(text).not.toContain(env.BINANCE_API_KEY!);
    }
  }, 60_000);
});
