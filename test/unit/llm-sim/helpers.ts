import Anthropic from "@anthropic-ai/sdk";
import type { MessageCreateParamsNonStreaming, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { LlmSession } from "../../../sim/llm/server";

export const MODEL = "claude-sonnet-5";
/** The engine's static, versioned instructions: the cached first system block. */
export const STATIC_INSTRUCTIONS = "You are Edgetrader's decision model (prompt v7). ".repeat(40);

export const TOOLS = [
  { name: "submit_decision", description: "Submit trade decisions", input_schema: { type: "object" as const, properties: { decisions: { type: "array" } } } },
  {
    name: "submit_position_evaluation",
    description: "Evaluate one open position",
    input_schema: { type: "object" as const, properties: { action: { type: "string", enum: ["HOLD", "EXIT", "ADD"] } } },
  },
];

export interface TickerSpec {
  symbol: string;
  price: number;
  rsi: number | null;
  momentum?: number | null;
}

/** A snapshot with the fields the policy reads, plus some it must ignore. */
export function snapshot(tickers: TickerSpec[], o: { held?: string[]; short?: string[]; maxPositionPct?: number; shorts?: boolean } = {}) {
  return {
    version: 2,
    at: 1_780_000_000_000,
    tickers: tickers.map((t) => ({
      symbol: t.symbol,
      price: { value: t.price, at: 1_780_000_000_000 },
      timeframes: {
        "1h": { rsi14: 50, momentum14: 0 },
        "4h": { rsi14: t.rsi, momentum14: t.momentum ?? 0.012, bbPosition: 0.4 },
      },
      candles: [],
    })),
    account: {
      cash: 10_000,
      equity: 10_000,
      positions: [
        ...(o.held ?? []).map((symbol, i) => ({ id: `p${i}`, symbol, qty: 0.1, pnlPct: 0 })),
        ...(o.short ?? []).map((symbol, i) => ({ id: `s${i}`, symbol, qty: 0.1, pnlPct: 0, side: "short", leverage: 2, funding: 0 })),
      ],
    },
    limits: { maxPositionPct: o.maxPositionPct ?? 0.3, maxPositions: 3, ...(o.shorts ? { shorts: true, leverage: 2 } : {}) },
  };
}

export function review(o: { symbol?: string; pnlPct: number; rsi: number | null }) {
  return {
    position: { id: "p1", symbol: o.symbol ?? "BTC/USDT", qty: 0.1, pnlPct: o.pnlPct, entryPrice: 100_000, lastPrice: 100_000 * (1 + o.pnlPct), openedAt: 0 },
    ticker: { symbol: o.symbol ?? "BTC/USDT", timeframes: { "4h": { rsi14: o.rsi, momentum14: 0 } } },
  };
}

/** The request the engine sends for a decision: cached static system block, both tools, forced submit_decision. */
export function decisionRequest(snap: unknown, o: { staticText?: string; maxTokens?: number } = {}): MessageCreateParamsNonStreaming {
  return {
    model: MODEL,
    max_tokens: o.maxTokens ?? 4096,
    system: [
      { type: "text", text: o.staticText ?? STATIC_INSTRUCTIONS, cache_control: { type: "ephemeral" } },
      { type: "text", text: "Portfolio: main. Memory: none." },
    ],
    tools: TOOLS,
    tool_choice: { type: "tool", name: "submit_decision" },
    messages: [{ role: "user", content: `Decide now.\n<snapshot>\n${JSON.stringify(snap)}\n</snapshot>` }],
  };
}

export function reviewRequest(payload: unknown): MessageCreateParamsNonStreaming {
  return {
    ...decisionRequest(null),
    tool_choice: { type: "tool", name: "submit_position_evaluation" },
    messages: [{ role: "user", content: `Review this position.\n<position_review>\n${JSON.stringify(payload)}\n</position_review>` }],
  };
}

export function client(s: LlmSession, o: { maxRetries?: number; timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: s.baseURL, maxRetries: o.maxRetries ?? 0, timeout: o.timeout ?? 5_000 });
}

/** The single tool_use block's input of a response (fails the test when there is none). */
export function toolInput<T = any>(m: Anthropic.Message): T {
  const block = m.content.find((b): b is ToolUseBlock => b.type === "tool_use");
  if (!block) throw new Error(`no tool_use block in ${JSON.stringify(m.content)}`);
  return block.input as T;
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}
