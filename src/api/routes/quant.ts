import { z } from "zod";
import { routes } from "../contract";
import { actors } from "../context";
import { requireStarted } from "../errors";

const NOT_CONFIGURED = "the learner is not configured";

/** The seed's `/quant/rank` and `/quant/retrain`: the quant ranker's ranking of the universe, and a retraining now. */
export const quantRoutes = routes("/api/quant", "quant", "The quant ranker")
  .get(
    {
      path: "/rank",
      scope: "read",
      portfolio: true,
      summary: "The universe ranked by the quant model now",
      description:
        "Each symbol's probability of a top-quantile forward return and its score (0 at the base rate), best first, from the tickers' daily candles. `model` is null before the first training.",
      response: z.object({
        model: z.object({ trainedAt: z.number(), samples: z.number(), baseRate: z.number() }).nullable(),
        asOf: z.number().nullable(),
        ranking: z.array(z.object({ symbol: z.string(), probability: z.number(), score: z.number(), at: z.number() })),
        reason: z.string().nullable().describe("why there is no ranking: not trained yet, or the daily history has a gap"),
      }),
      errors: { 409: "the learner is not configured (not_started)" },
    },
    async (c, { portfolio }) => {
      return c.json(requireStarted(await actors(c.env, portfolio).learner.quantRank(), NOT_CONFIGURED));
    },
  )
  .post(
    {
      path: "/retrain",
      scope: "trade",
      portfolio: true,
      summary: "Retrain the quant model now",
      description: "On the tickers' unbroken daily history, whatever the schedule (quant.retrainEveryDays) says; `trained` false with the reason when there is not enough history.",
      body: z.strictObject({}),
      response: z.object({ trained: z.boolean(), trainedAt: z.number().nullable(), reason: z.string() }),
      errors: { 409: "the learner is not configured (not_started)" },
    },
    async (c, { portfolio }) => {
      return c.json(requireStarted(await actors(c.env, portfolio).learner.retrainQuant(), NOT_CONFIGURED));
    },
  );
