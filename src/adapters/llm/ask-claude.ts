import { parseToolAnswer, usageOf, type ModelAnswer } from "../../lib/decide/answer";
import { ModelDecisionSchema } from "../../lib/decide/decision";
import { DECISION_TOOL_NAME, promptVersionOf, renderDecisionRequest } from "../../lib/decide/prompt";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { LlmConfig } from "../../lib/config";
import type { ClaudeClient } from "./claude-client";

/** One decision request to Claude for `snapshot`: the call, then the answer parsed with the decision schema. */
export async function askClaude(client: ClaudeClient, snapshot: MarketSnapshot, llm: Pick<LlmConfig, "model" | "maxTokens" | "promptVersion">): Promise<ModelAnswer> {
  const call = await client.send(renderDecisionRequest(snapshot, llm.model, llm.maxTokens, promptVersionOf(llm)));
  const base = { raw: call.raw, usage: usageOf(call.raw), latencyMs: call.latencyMs };
  if (call.error) return { ...base, decision: null, failure: call.error };
  const parsed = parseToolAnswer(call.raw, DECISION_TOOL_NAME, ModelDecisionSchema);
  return parsed.ok ? { ...base, decision: parsed.value, failure: null } : { ...base, decision: null, failure: parsed.reason };
}
