import { z } from "zod";
import { listEquity } from "../../adapters/store/history-queries";
import { routes } from "../contract";
import { actors, checkRange, rangeQuery } from "../context";
import { EquityRowSchema } from "../schemas";

const EquityQuery = z.strictObject({
  ...rangeQuery(10_000),
});

/** The equity curve (oldest first) between `from` and `to`. */
export const equityRoutes = routes("/api/equity", "equity", "The equity curve").get(
  { path: "/", scope: "read", portfolio: true, summary: "The equity curve, oldest first, between from and to", query: EquityQuery, response: z.object({ equity: z.array(EquityRowSchema) }) },
  async (c, { query: q, portfolio }) => {
    checkRange(q);
    return c.json({ equity: await listEquity(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, from: q.from, to: q.to, limit: q.limit }) });
  },
);
