import { Hono } from "hono";
import { z } from "zod";
import { getDecision, listDecisions } from "../../adapters/store/history-queries";
import { actors, pageQuery, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseQuery } from "../validate";

const DecisionsQuery = z.strictObject({ ...pageQuery });
const DecisionId = z.string().regex(/^[a-z0-9-]{1,64}$/, "decision ids look like main-d12");

/** Decisions with their trigger, reasoning and outcome; one decision with its full snapshot. */
export const decisionRoutes = new Hono<AppEnv>()
  .get("/decisions", async (c) => {
    const q = parseQuery(c, DecisionsQuery);
    return c.json({ decisions: await listDecisions(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before }) });
  })
  .get("/decisions/:id", async (c) => {
    const id = DecisionId.safeParse(c.req.param("id"));
    if (!id.success) throw new ApiError(400, "invalid_id", `invalid decision id: ${id.error.issues[0]?.message}`);
    const row = await getDecision(c.env.DB, actors(c.env).portfolio, id.data);
    if (!row) throw new ApiError(404, "not_found", `no decision ${id.data}`);
    return c.json({ decision: row });
  });
