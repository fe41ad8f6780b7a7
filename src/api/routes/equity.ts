import { Hono } from "hono";
import { z } from "zod";
import { listEquity } from "../../adapters/store/history-queries";
import { actors, checkRange, rangeQuery, type AppEnv } from "../context";
import { parseQuery } from "../validate";

const EquityQuery = z.strictObject({
  ...rangeQuery(10_000),
});

/** The equity curve (oldest first) between `from` and `to`. */
export const equityRoutes = new Hono<AppEnv>().get("/equity", async (c) => {
  const q = parseQuery(c, EquityQuery);
  checkRange(q);
  return c.json({ equity: await listEquity(c.env.DB, { portfolio: actors(c.env).portfolio, from: q.from, to: q.to, limit: q.limit }) });
});
