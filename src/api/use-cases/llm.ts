import type { Env } from "../../env";
import { actors } from "../context";

/** Claude's spend and breaker (GET /api/llm/usage, the MCP `llm_usage` tool): tokens and USD per UTC day. */
export async function llmUsage(env: Env, portfolio?: string) {
  const s = await actors(env, portfolio).gate.llmStatus();
  return {
    decider: s.decider,
    apiKeyConfigured: s.apiKeyConfigured,
    model: s.model,
    promptVersion: s.promptVersion,
    pricesUsdPerMTok: s.prices,
    dailyBudgetUsd: s.dailyBudgetUsd,
    today: s.today,
    remainingTodayUsd: Math.max(0, s.dailyBudgetUsd - s.today.costUsd),
    breaker: s.breaker,
    days: s.days,
  };
}
