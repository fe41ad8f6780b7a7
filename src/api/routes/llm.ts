import { Hono } from "hono";
import { actors, type AppEnv } from "../context";

/** Claude's spend and breaker: tokens (input, output, cache write, cache read) and USD per UTC day. */
export const llmRoutes = new Hono<AppEnv>().get("/llm/usage", async (c) => {
  const s = await actors(c.env).gate.llmStatus();
  return c.json({
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
  });
});
