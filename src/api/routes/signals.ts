import { z } from "zod";
import { listSignals } from "../../adapters/store/history-queries";
import { MarketSymbolSchema } from "../../lib/config";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";
import { SignalViewSchema } from "../schemas";
import { StrategyName } from "./strategies";

const SignalsQuery = z.strictObject({
  symbol: MarketSymbolSchema.optional(),
  strategy: StrategyName.optional(),
  action: z.enum(["LONG", "SHORT", "CLOSE", "PASS"]).optional(),
  ...pageQuery,
});

/** Every signal the strategies gave, newest first. */
export const signalRoutes = routes("/api/signals", "signals", "The strategies' signals").get(
  { path: "/", scope: "read", summary: "Signals, newest first, by symbol, strategy and action", query: SignalsQuery, response: z.object({ signals: z.array(SignalViewSchema) }) },
  async (c, { query: q }) => {
    const rows = await listSignals(c.env.DB, { portfolio: actors(c.env).portfolio, limit: q.limit, before: q.before, symbol: q.symbol, strategy: q.strategy, action: q.action });
    return c.json({ signals: rows.map(({ metadata_json, ...r }) => ({ ...r, metadata: typeof metadata_json === "string" ? JSON.parse(metadata_json) : null })) });
  },
);
