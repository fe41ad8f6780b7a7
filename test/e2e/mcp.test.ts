import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandles } from "../../sim/data/candles";
import { api, baseUrl, createToken, json, mcpClient, rootToken, startEngine, toolErrorText, toolJson } from "./support";

const READ_TOOLS = ["status", "positions", "trades", "decisions", "why_not", "regime", "learner_weights", "llm_usage", "portfolios", "backtest_result"];
const TRADE_TOOLS = ["run_backtest", "pause", "resume", "force_exit"];

type Controls = { paused: { by: string; reason: string } | null; recentActions: { action: string; by: string; reason: string }[] };

/** The MCP server at /mcp, through the official SDK's client over real HTTP, against the worker under wrangler dev. */
describe("MCP server at /mcp", () => {
  const clients: Client[] = [];
  let read: { id: string; token: string };
  let trade: { id: string; token: string };
  let reader: Client;

  beforeAll(async () => {
    await startEngine();
    [read, trade] = await Promise.all([createToken("read"), createToken("trade")]);
    reader = await mcpClient(read.token);
    clients.push(reader);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it("lists the read tools and the trade tools, each with a JSON schema of its arguments", async () => {
    const { tools } = await reader.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...TRADE_TOOLS].sort());
    for (const t of tools) expect(t.inputSchema.type).toBe("object");
    const pause = tools.find((t) => t.name === "pause")!;
    expect(pause.inputSchema.required).toEqual(["reason"]);
    expect(pause.annotations?.readOnlyHint).toBe(false);
    expect(tools.find((t) => t.name === "status")!.annotations?.readOnlyHint).toBe(true);
  });

  it("status answers the engine's status, the same as GET /api/status", async () => {
    const viaMcp = toolJson<{ portfolio: string; mode: string; account: { cash: number } | null; feeds: { symbol: string }[] }>(await reader.callTool({ name: "status", arguments: {} }));
    const viaApi = await json<typeof viaMcp>(api("/api/status", { token: read.token }));
    expect(viaMcp.portfolio).toBe(viaApi.portfolio);
    expect(viaMcp.mode).toBe(viaApi.mode);
    expect(viaMcp.account).not.toBeNull();
    expect(viaMcp.account!.cash).toBe(viaApi.account!.cash);
    expect(viaMcp.feeds.map((f) => f.symbol)).toEqual(["BTC/USDT"]);
  });

  it("answers every read tool to a read token with JSON", async () => {
    const calls: [string, Record<string, unknown>, string][] = [
      ["positions", { limit: 5 }, "open"],
      ["trades", { symbol: "BTC/USDT" }, "trades"],
      ["decisions", { kind: "all", limit: 3 }, "decisions"],
      ["why_not", { limit: 5 }, "counts"],
      ["regime", {}, "tickers"],
      ["learner_weights", {}, "mean"],
      ["llm_usage", {}, "dailyBudgetUsd"],
      ["portfolios", {}, "portfolios"],
    ];
    for (const [name, args, key] of calls) {
      const r = await reader.callTool({ name, arguments: args });
      expect(r.isError, `${name}: ${JSON.stringify(r.content).slice(0, 300)}`).toBeFalsy();
      expect(toolJson(r)).toHaveProperty(key);
    }
  });

  it("refuses a trade tool to a read token with a tool error naming the scope, and records nothing", async () => {
    const msg = toolErrorText(await reader.callTool({ name: "pause", arguments: { reason: "a read token tries to pause" } }));
    expect(msg).toMatch(/pause needs the trade scope; this token .* has read/);
    const controls = await json<Controls>(api("/api/controls"));
    expect(controls.recentActions.filter((a) => a.by === `mcp:${read.id}`)).toEqual([]);
  });

  it("pauses with a trade token, recorded as mcp:<token id> with the reason in GET /api/controls; resume clears it", async () => {
    const trader = await mcpClient(trade.token);
    clients.push(trader);
    const paused = await trader.callTool({ name: "pause", arguments: { reason: "e2e: pause through MCP" } });
    expect(paused.isError).toBeFalsy();
    expect(toolJson<{ action: { action: string; by: string } }>(paused).action).toMatchObject({ action: "pause", by: `mcp:${trade.id}` });

    const controls = await json<Controls>(api("/api/controls"));
    expect(controls.paused).toMatchObject({ by: `mcp:${trade.id}`, reason: "e2e: pause through MCP" });
    expect(controls.recentActions[0]).toMatchObject({ action: "pause", by: `mcp:${trade.id}`, reason: "e2e: pause through MCP" });

    expect((await trader.callTool({ name: "resume", arguments: { reason: "e2e: resume through MCP" } })).isError).toBeFalsy();
    const after = await json<Controls>(api("/api/controls"));
    expect(after.paused).toBeNull();
    expect(after.recentActions[0]).toMatchObject({ action: "resume", by: `mcp:${trade.id}` });
  });

  it("answers bad arguments and refusals as readable tool errors, never a stack", async () => {
    const trader = await mcpClient(rootToken());
    clients.push(trader);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["trades", { limit: 0 }, /Invalid arguments for tool trades: .* at limit/],
      ["pause", { reason: "no" }, /Invalid arguments for tool pause: must be 3–500 characters at reason/],
      ["pause", {}, /Invalid arguments for tool pause: is required: say why \(3–500 characters\) at reason/],
      ["force_exit", { reason: "neither id nor symbol" }, /exactly one of position_id and symbol/],
      ["force_exit", { position_id: "main-d999-BTC", reason: "an unknown position" }, /no position main-d999-BTC in the book/],
      ["force_exit", { symbol: "ETH/USDT", reason: "no ETH position" }, /no position of ETH\/USDT in the book/],
      ["decisions", { id: "main-d999999" }, /no decision main-d999999/],
      ["backtest_result", { id: "bt-1767225600000-00000000" }, /no backtest bt-1767225600000-00000000/],
    ];
    for (const [name, args, expected] of cases) {
      const msg = toolErrorText(await trader.callTool({ name, arguments: args }));
      expect(msg, name).toMatch(expected);
      expect(msg, name).not.toMatch(/\n\s+at /);
    }
  });

  it("runs a backtest on candles stored in D1 and reads its result, trades included", async () => {
    const rows = loadCandles("BTCUSDT", "1d").map((c) => [c.t, c.o, c.h, c.l, c.c, c.v]);
    await json(api("/api/candles", { method: "PUT", body: { symbol: "BTC/USDT", timeframe: "1d", candles: rows.slice(-1500) } }));
    const spec = { strategy: "regime-blend", symbols: ["BTC/USDT"], timeframe: "1d", from: "2024-01-01", to: "2025-01-01" };
    // A run needs the trade scope, as POST /api/backtests does; reading it does not.
    expect(toolErrorText(await reader.callTool({ name: "run_backtest", arguments: spec }))).toMatch(/run_backtest needs the trade scope/);
    const runner = await mcpClient(rootToken());
    clients.push(runner);
    const ran = toolJson<{ id: string; status: string; metrics: { tradeCount: number } }>(await runner.callTool({ name: "run_backtest", arguments: spec }));
    expect(ran.id).toMatch(/^bt-\d{13}-[0-9a-f]{8}$/);
    expect(ran.status).toBe("done");
    const full = toolJson<{ id: string; trade_count: number; trades?: unknown[]; equity?: unknown[] }>(
      await reader.callTool({ name: "backtest_result", arguments: { id: ran.id, include_trades: true } }),
    );
    expect(full.id).toBe(ran.id);
    expect(full.trades).toHaveLength(full.trade_count);
    expect(full.trade_count).toBe(ran.metrics.tradeCount);
    expect(full.equity).toBeUndefined();
    // The API reads the same stored run.
    expect((await json<{ backtest: { id: string } }>(api(`/api/backtests/${ran.id}`))).backtest.id).toBe(ran.id);
  });

  it("refuses /mcp without a valid bearer token, and answers GET with 405 (stateless)", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    expect((await fetch(`${baseUrl()}/mcp`, { method: "POST", headers, body: JSON.stringify(init) })).status).toBe(401);
    expect((await fetch(`${baseUrl()}/mcp`, { method: "POST", headers: { ...headers, Authorization: "Bearer not-a-token-of-this-worker-at-all-000000" }, body: JSON.stringify(init) })).status).toBe(
      401,
    );
    await expect(mcpClient("not-a-token-of-this-worker-at-all-000000")).rejects.toThrow(/invalid bearer token/);
    expect((await api("/mcp", { token: read.token })).status).toBe(405);
  });
});
