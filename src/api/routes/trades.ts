import { Hono } from "hono";
import { z } from "zod";
import { listTrades } from "../../adapters/store/history-queries";
import { MarketSymbolSchema } from "../../lib/config";
import { actors, pageQuery, type AppEnv } from "../context";
import { parseQuery } from "../validate";

const TradesQuery = z.strictObject({ symbol: MarketSymbolSchema.optional(), ...pageQuery });

/** Closed round trips, newest first; page with `before=<exit_at of the last row>`. */
export const tradeRoutes = new Hono<AppEnv>().get("/trades", async (c) => {
  const q = parseQuery(c, TradesQuery);
  return c.json({ trades: await listTrades(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before, symbol: q.symbol }) });
});
