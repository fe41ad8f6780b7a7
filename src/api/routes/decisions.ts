import { z } from "zod";
import { getDecision, listDecisions } from "../../adapters/store/history-queries";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { ApiError, requireStarted } from "../errors";
import { DecisionViewSchema } from "../schemas";
import { expandDecision } from "../use-cases/decisions";

const DecisionsQuery = z.strictObject({ kind: z.enum(["decision", "review", "all"]).default("decision"), ...pageQuery });
const DecisionId = z.string().regex(/^[a-zA-Z0-9-]{1,80}$/, "decision ids look like main-d12");

/** Decisions with their trigger, reasoning and outcome; one decision with its full snapshot. */
const DryRunBody = z.strictObject({
  decider: z.enum(["auto", "claude", "rule"]).optional().describe("the portfolio's decider unless given; claude is a paid call, counted against the daily budget"),
});

export const decisionRoutes = routes("/api/decisions", "decisions", "Decisions and position reviews, with their reasoning")
  .post(
    {
      path: "/dry-run",
      scope: "trade",
      portfolio: true,
      summary: "What the decider would do now: no orders, nothing recorded",
      description:
        "The seed's `/execute` without executing: the point-in-time snapshot and the decider a decision would use (its clamps, the rule pipeline's votes and signals), answered and forgotten. The gate's state, the account and the decision log are untouched.",
      body: DryRunBody,
      response: z.looseObject({
        at: z.number(),
        snapshotHash: z.string(),
        decider: z.string(),
        decision: z.unknown().nullable(),
        failure: z.string().nullable(),
        clamps: z.array(z.unknown()),
        votes: z.array(z.unknown()),
      }),
      errors: { 409: "the engine is not started, or stopped (not_started)" },
    },
    async (c, { body, portfolio }) => {
      return c.json(requireStarted(await actors(c.env, portfolio).gate.dryRun(body.decider ? { decider: body.decider } : {}), "the engine is not started, or stopped"));
    },
  )
  .get(
    { path: "/", scope: "read", portfolio: true, summary: "Decisions (or reviews), newest first", query: DecisionsQuery, response: z.object({ decisions: z.array(DecisionViewSchema) }) },
    async (c, { query: q, portfolio }) =>
      c.json({
        decisions: (await listDecisions(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, kind: q.kind === "all" ? undefined : q.kind })).map(
          expandDecision,
        ),
      }),
  )
  .get(
    {
      path: "/:id",
      scope: "read",
      portfolio: true,
      summary: "One decision with its snapshot, raw answer, clamps and outcome",
      params: z.object({ id: DecisionId }),
      paramError: { code: "invalid_id", what: "decision id" },
      response: z.object({ decision: DecisionViewSchema }),
      errors: { 404: "no such decision" },
    },
    async (c, { params, portfolio }) => {
      const row = await getDecision(c.env.DB, actors(c.env, portfolio).portfolio, params.id);
      if (!row) throw new ApiError(404, "not_found", `no decision ${params.id}`);
      return c.json({ decision: expandDecision(row) });
    },
  );
