import { Hono } from "hono";
import { z } from "zod";
import { actors, engineConfig, type AppEnv } from "../context";
import { parseQuery } from "../validate";

const WeightsQuery = z.strictObject({
  regime: z.string().regex(/^[a-z_]{1,40}$/, "regime keys look like trending_up").optional(),
  seed: z.string().max(64).default("api"),
});

/** The learner's posteriors per agent and regime, its weights (mean and one seeded sample), and the regimes now. */
export const learnerRoutes = new Hono<AppEnv>()
  .get("/learner/status", async (c) => {
    const a = actors(c.env);
    const [posteriors, trades] = await Promise.all([a.learner.posteriors(), a.learner.status()]);
    return c.json({ ...posteriors, deciders: trades.agents, quantTrainedAt: await a.learner.quantVersion() });
  })
  .get("/learner/weights", async (c) => {
    const q = parseQuery(c, WeightsQuery);
    const w = await actors(c.env).learner.weights({ regime: q.regime ?? null, seed: q.seed, defaults: engineConfig(c.env).synthesizer.defaultWeights });
    return c.json({ regime: q.regime ?? null, ...w });
  })
  .get("/regime", async (c) => c.json(await actors(c.env).gate.regimes()));
