import { parseToolAnswer, usageOf, type Usage } from "../../lib/decide/answer";
import { ModelDecisionSchema, type Decision } from "../../lib/decide/decision";
import { DECISION_TOOL_NAME, promptVersionOf, renderDecisionRequest } from "../../lib/decide/prompt";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { LlmConfig } from "../../lib/config";
import type { ClaudeClient } from "./claude-client";

export interface ClaudeAnswer {
  /** The decision as Claude gave it (not yet checked against the snapshot or clamped), or null. */
  decision: Decision | null;
  failure: string | null;
  raw: unknown;
  usage: Usage | null;
  latencyMs: number;
}

/** One decision request to Claude for `snapshot`: the call, then the answer parsed with the decision schema. */
/** The size of the decision request for `snapshot`, as sent: what the governor reserves and books a call by. */
export function decisionRequestChars(snapshot: MarketSnapshot, llm: Pick<LlmConfig, "model" | "maxTokens" | "promptVersion">): number {
  return JSON.stringify(renderDecisionRequest(snapshot, llm.model, llm.maxTokens, promptVersionOf(llm))).length;
}

export async function askClaude(client: ClaudeClient, snapshot: MarketSnapshot, llm: Pick<LlmConfig, "model" | "maxTokens" | "promptVersion">): Promise<ClaudeAnswer> {
  const call = await client.send(renderDecisionRequest(snapshot, llm.model, llm.maxTokens, promptVersionOf(llm)));
  const base = { raw: call.raw, usage: usageOf(call.raw), latencyMs: call.latencyMs };
  if (call.error) return { ...base, decision: null, failure: call.error };
  const parsed = parseToolAnswer(call.raw, DECISION_TOOL_NAME, ModelDecisionSchema);
  return parsed.ok ? { ...base, decision: parsed.value, failure: null } : { ...base, decision: null, failure: parsed.reason };
}
