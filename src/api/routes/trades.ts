import { z } from "zod";
import { listTrades } from "../../adapters/store/history-queries";
import { MarketSymbolSchema } from "../../lib/config";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { TradeRowSchema } from "../schemas";

const TradesQuery = z.strictObject({ symbol: MarketSymbolSchema.optional(), ...pageQuery });

/** Closed round trips, newest first; page with `before=<exit_at of the last row>`. */
export const tradeRoutes = routes("/api/trades", "trades", "Closed round trips").get(
  {
    path: "/",
    scope: "read",
    portfolio: true,
    summary: "Closed round trips, newest first",
    description: "Page with `before=<exit_at of the last row>`.",
    query: TradesQuery,
    response: z.object({ trades: z.array(TradeRowSchema) }),
  },
  async (c, { query: q, portfolio }) => c.json({ trades: await listTrades(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, symbol: q.symbol }) }),
);
