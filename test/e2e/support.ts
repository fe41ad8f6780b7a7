import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { inject } from "vitest";

/** Helpers of the e2e tests: the worker the global setup started (test/e2e/global-setup.ts). */
export const baseUrl = () => inject("e2eBaseUrl");
export const rootToken = () => inject("e2eToken");

/** A request to the worker with a bearer token (the root admin token unless given); JSON body when `body` is set. */
export async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${init.token ?? rootToken()}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** The JSON of a response that must succeed; otherwise an error with its status and body. */
export async function json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.status} ${r.url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** A new API token of `scope` made by the root token (POST /api/tokens): its id and secret. */
export async function createToken(scope: "read" | "trade" | "admin", name = `e2e-${scope}-${Date.now()}`): Promise<{ id: string; token: string }> {
  return json(api("/api/tokens", { method: "POST", body: { name, scope } }));
}

/** Starts the portfolio on BTC/USDT (idempotent: a second start keeps the book). */
export async function startEngine(): Promise<void> {
  await json(api("/api/engine/start", { method: "POST", body: { symbols: ["BTC/USDT"], initialCash: 10_000 } }));
}

/** An MCP client (the official SDK's) connected to /mcp over Streamable HTTP with `token`. */
export async function mcpClient(token: string): Promise<Client> {
  const client = new Client({ name: "edgetrader-e2e", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl()}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return client;
}

/** The JSON in a tool result's first text block. */
export function toolJson<T = Record<string, unknown>>(result: unknown): T {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  const text = content.find((c) => c.type === "text")?.text;
  if (text === undefined) throw new Error(`no text content in ${JSON.stringify(result).slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The message of a tool error (isError), or a failure when the call succeeded. */
export function toolErrorText(result: unknown): string {
  const r = result as { isError?: boolean; content?: { type: string; text?: string }[] };
  if (!r.isError) throw new Error(`expected a tool error, got ${JSON.stringify(r).slice(0, 300)}`);
  return r.content?.find((c) => c.type === "text")?.text ?? "";
}
