import { z } from "zod";
import { listPositions } from "../../adapters/store/history-queries";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { BookPositionSchema, ControlAnswerSchema, PositionRowSchema } from "../schemas";
import { controlAnswer } from "../use-cases/controls";
import { liveBook } from "../use-cases/positions";
import { CONTROL_ERRORS, OperatorHeaders, PositionParams, ReasonBody, operatorOf } from "./controls";

const PositionsQuery = z.strictObject({
  status: z.enum(["open", "pending_entry", "exiting", "closed", "failed", "all"]).default("all"),
  live: z.enum(["true", "false"]).default("false"),
  ...pageQuery,
});

/** Positions from D1 history (`live=true`: the account's open book instead); forced exits, recorded with who and why. */
export const positionRoutes = routes("/api/positions", "positions", "Positions and forced exits")
  .get(
    {
      path: "/",
      scope: "read",
      portfolio: true,
      summary: "Positions from history, newest first (live=true: the open book)",
      description:
        "`live=true`: the account's open book, each position with its decision, peak price, `stops` (hard stop, trailing stop once active, time stop) and the exchange's resting `protectiveStop`.",
      query: PositionsQuery,
      response: z.object({ positions: z.array(z.union([PositionRowSchema, BookPositionSchema])) }),
    },
    async (c, { query: q, portfolio }) => {
      const a = actors(c.env, portfolio);
      if (q.live === "true") return c.json({ positions: await liveBook(c.env, portfolio) });
      const rows = await listPositions(c.env.DB, { portfolio: a.portfolio, limit: q.limit, before: q.before, status: q.status === "all" ? undefined : q.status });
      return c.json({ positions: rows });
    },
  )
  .post(
    {
      path: "/exit-all",
      scope: "trade",
      portfolio: true,
      summary: "Exit every position (pending or open) at the market",
      headers: OperatorHeaders,
      body: ReasonBody,
      response: ControlAnswerSchema,
      errors: CONTROL_ERRORS,
    },
    async (c, { headers, body, portfolio }) => c.json(controlAnswer(await actors(c.env, portfolio).account.forceExit({ positionId: null, by: operatorOf(c, headers), reason: body.reason }))),
  )
  .post(
    {
      path: "/:id/exit",
      scope: "trade",
      portfolio: true,
      summary: "Exit one position at its next price",
      params: PositionParams,
      paramError: { code: "invalid_path", what: "position id" },
      headers: OperatorHeaders,
      body: ReasonBody,
      response: ControlAnswerSchema,
      errors: CONTROL_ERRORS,
    },
    async (c, { params, headers, body, portfolio }) =>
      c.json(controlAnswer(await actors(c.env, portfolio).account.forceExit({ positionId: params.id, by: operatorOf(c, headers), reason: body.reason }))),
  );
