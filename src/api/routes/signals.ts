import { z } from "zod";
import { listAgentVotes, listSignals } from "../../adapters/store/history-queries";
import { MarketSymbolSchema } from "../../lib/config";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { SignalViewSchema } from "../schemas";
import { StrategyName } from "./strategies";

const SignalsQuery = z.strictObject({
  symbol: MarketSymbolSchema.optional(),
  strategy: StrategyName.optional(),
  action: z.enum(["LONG", "SHORT", "CLOSE", "PASS"]).optional(),
  ...pageQuery,
});

const VotesQuery = z.strictObject({
  symbol: MarketSymbolSchema.optional(),
  decision: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,80}$/, "decision ids look like main-d12")
    .optional(),
  ...pageQuery,
});

const json = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : null);

/** Every signal the strategies gave, and every agent vote of the rule pipeline, newest first. */
export const signalRoutes = routes("/api/signals", "signals", "The strategies' signals and the agents' votes")
  .get(
    {
      path: "/votes",
      scope: "read",
      portfolio: true,
      summary: "The agents' votes per decision and symbol, newest first",
      description: "Each vote: the regime, the learner's weights (and where they came from), each agent's score, the blended score and the action.",
      query: VotesQuery,
      response: z.object({
        votes: z.array(z.looseObject({ id: z.string(), decision_id: z.string(), symbol: z.string(), score: z.number(), action: z.string(), weights: z.unknown(), scores: z.unknown() })),
      }),
    },
    async (c, { query: q, portfolio }) => {
      const rows = await listAgentVotes(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, symbol: q.symbol, decisionId: q.decision });
      return c.json({ votes: rows.map(({ weights_json, scores_json, ...r }) => ({ ...r, weights: json(weights_json), scores: json(scores_json) })) });
    },
  )
  .get(
    { path: "/", scope: "read", portfolio: true, summary: "Signals, newest first, by symbol, strategy and action", query: SignalsQuery, response: z.object({ signals: z.array(SignalViewSchema) }) },
    async (c, { query: q, portfolio }) => {
      const rows = await listSignals(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, symbol: q.symbol, strategy: q.strategy, action: q.action });
      return c.json({ signals: rows.map(({ metadata_json, ...r }) => ({ ...r, metadata: typeof metadata_json === "string" ? JSON.parse(metadata_json) : null })) });
    },
  );
