import { z } from "zod";
import { listOrders } from "../../adapters/store/history-queries";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { OrderRowSchema } from "../schemas";

const OrdersQuery = z.strictObject({ position_id: z.string().max(64).optional(), ...pageQuery });

/** Orders from D1 history, newest first, optionally of one position. */
export const orderRoutes = routes("/api/orders", "orders", "Orders of the positions").get(
  { path: "/", scope: "read", portfolio: true, summary: "Orders, newest first, optionally of one position", query: OrdersQuery, response: z.object({ orders: z.array(OrderRowSchema) }) },
  async (c, { query: q, portfolio }) => c.json({ orders: await listOrders(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, positionId: q.position_id }) }),
);
