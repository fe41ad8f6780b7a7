import { Hono } from "hono";
import { z } from "zod";
import { listOrders, listPositions } from "../../adapters/store/history-queries";
import { actors, pageQuery, type AppEnv } from "../context";
import { parseQuery } from "../validate";

const PositionsQuery = z.strictObject({
  status: z.enum(["open", "pending_entry", "exiting", "closed", "failed", "all"]).default("all"),
  live: z.enum(["true", "false"]).default("false"),
  ...pageQuery,
});
const OrdersQuery = z.strictObject({ position_id: z.string().max(64).optional(), ...pageQuery });

/** Positions from D1 history; `live=true` gives the account's open book instead. Orders by position. */
export const positionRoutes = new Hono<AppEnv>()
  .get("/positions", async (c) => {
    const q = parseQuery(c, PositionsQuery);
    const a = actors(c.env);
    if (q.live === "true") return c.json({ positions: (await a.account.summary()).positions });
    const rows = await listPositions(c.env.DB, { portfolio: a.portfolio, limit: q.limit, before: q.before, status: q.status === "all" ? undefined : q.status });
    return c.json({ positions: rows });
  })
  .get("/orders", async (c) => {
    const q = parseQuery(c, OrdersQuery);
    return c.json({ orders: await listOrders(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before, positionId: q.position_id }) });
  });
