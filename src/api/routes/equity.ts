import { Hono } from "hono";
import { z } from "zod";
import { listEquity } from "../../adapters/store/history-queries";
import { actors, epochMsQuery, queryNumber, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseQuery } from "../validate";

const EquityQuery = z.strictObject({
  from: epochMsQuery.optional(),
  to: epochMsQuery.optional(),
  limit: queryNumber().int("must be an integer").min(1).max(10_000).default(1000),
});

/** The equity curve (oldest first) between `from` and `to`. */
export const equityRoutes = new Hono<AppEnv>().get("/equity", async (c) => {
  const q = parseQuery(c, EquityQuery);
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new ApiError(400, "invalid_query", "invalid query parameters: from must be before to");
  return c.json({ equity: await listEquity(c.env.DB, { portfolio: actors(c.env).portfolio, from: q.from, to: q.to, limit: q.limit }) });
});
