import { z } from "zod";
import { routes } from "../contract";
import { actors, engineConfig } from "../context";

const WeightsQuery = z.strictObject({
  regime: z
    .string()
    .regex(/^[a-z_]{1,40}$/, "regime keys look like trending_up")
    .optional(),
  seed: z.string().max(64).default("api"),
});

const Posterior = z.looseObject({ alpha: z.number(), beta: z.number(), mean: z.number() });
const StatusResponse = z.looseObject({ trades: z.number(), global: z.record(z.string(), Posterior), deciders: z.unknown(), quantTrainedAt: z.number().nullable() });
const WeightsResponse = z.looseObject({ regime: z.string().nullable(), sampled: z.looseObject({ source: z.string(), weights: z.record(z.string(), z.number()) }) });

/** The learner's posteriors per agent and regime, and its weights (mean and one seeded sample). */
export const learnerRoutes = routes("/api/learner", "learner", "Thompson-sampling posteriors and weights")
  .get({ path: "/status", scope: "read", portfolio: true, summary: "Posteriors per agent, global and per regime", response: StatusResponse }, async (c, { portfolio }) => {
    const a = actors(c.env, portfolio);
    const [posteriors, trades, quantTrainedAt] = await Promise.all([a.learner.posteriors(), a.learner.status(), a.learner.quantVersion()]);
    return c.json({ ...posteriors, deciders: trades.agents, quantTrainedAt });
  })
  .get(
    { path: "/weights", scope: "read", portfolio: true, summary: "Agent weights for a regime: mean and one seeded sample", query: WeightsQuery, response: WeightsResponse },
    async (c, { query: q, portfolio }) => {
      const w = await actors(c.env, portfolio).learner.weights({ regime: q.regime ?? null, seed: q.seed, defaults: engineConfig(c.env).synthesizer.defaultWeights });
      return c.json({ regime: q.regime ?? null, ...w });
    },
  );
