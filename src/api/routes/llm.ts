import { z } from "zod";
import { routes } from "../contract";
import { llmUsage } from "../use-cases/llm";

const UsageResponse = z.looseObject({
  decider: z.string(),
  apiKeyConfigured: z.boolean(),
  model: z.string(),
  promptVersion: z.string(),
  pricesUsdPerMTok: z.unknown(),
  dailyBudgetUsd: z.number(),
  today: z.looseObject({ calls: z.number(), costUsd: z.number() }),
  remainingTodayUsd: z.number(),
  breaker: z.looseObject({ state: z.enum(["closed", "open", "half_open"]), consecutiveFailures: z.number() }),
  days: z.array(z.unknown()),
});

/** Claude's spend and breaker: tokens (input, output, cache write, cache read) and USD per UTC day (src/api/use-cases/llm.ts, shared with MCP). */
export const llmRoutes = routes("/api/llm", "llm", "Claude's spend, budget and breaker").get(
  { path: "/usage", scope: "read", portfolio: true, summary: "Tokens and USD per UTC day, the budget left, the breaker", response: UsageResponse },
  async (c, { portfolio }) => c.json(await llmUsage(c.env, portfolio)),
);
