import { Hono } from "hono";
import { z } from "zod";
import { getDecision, listDecisions } from "../../adapters/store/history-queries";
import { actors, pageQuery, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseQuery } from "../validate";

const DecisionsQuery = z.strictObject({ kind: z.enum(["decision", "review", "all"]).default("decision"), ...pageQuery });
const DecisionId = z.string().regex(/^[a-zA-Z0-9-]{1,80}$/, "decision ids look like main-d12");

const JSON_COLUMNS: Record<string, string> = {
  decision_json: "decision",
  outcome_json: "outcome",
  clamps_json: "clamps",
  snapshot_json: "snapshot",
  raw_response: "raw_response",
};

/** A decisions row with its JSON columns as objects (`decision_json` → `decision`, …). */
function expand(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const name = JSON_COLUMNS[k];
    if (!name) out[k] = v;
    else out[name] = typeof v === "string" ? JSON.parse(v) : null;
  }
  return out;
}

/** Decisions with their trigger, reasoning and outcome; one decision with its full snapshot. */
export const decisionRoutes = new Hono<AppEnv>()
  .get("/decisions", async (c) => {
    const q = parseQuery(c, DecisionsQuery);
    return c.json({ decisions: (await listDecisions(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before, kind: q.kind === "all" ? undefined : q.kind })).map(expand) });
  })
  .get("/decisions/:id", async (c) => {
    const id = DecisionId.safeParse(c.req.param("id"));
    if (!id.success) throw new ApiError(400, "invalid_id", `invalid decision id: ${id.error.issues[0]?.message}`);
    const row = await getDecision(c.env.DB, actors(c.env).portfolio, id.data);
    if (!row) throw new ApiError(404, "not_found", `no decision ${id.data}`);
    return c.json({ decision: expand(row) });
  });
