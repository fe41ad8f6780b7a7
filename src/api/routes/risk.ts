import { z } from "zod";
import { MarketSymbolSchema } from "../../lib/config";
import { routes } from "../contract";
import { actors, queryNumber } from "../context";
import { requireStarted } from "../errors";

const RiskCheckQuery = z.strictObject({
  symbol: MarketSymbolSchema,
  positionPct: queryNumber().gt(0, "must be above 0").max(1, "must be at most 1 (100 % of equity)").describe("the entry's size as a fraction of equity, like a decision's position_pct"),
});

/** The seed's `/risk/check` (a read: nothing changes): would this entry pass the account's risk checks now, and why not. */
export const riskRoutes = routes("/api/risk", "risk", "Pre-trade risk checks").get(
  {
    path: "/check",
    scope: "read",
    portfolio: true,
    summary: "Would this entry pass the risk checks now, and why not",
    description: "The same check a decision's entry gets (operator controls, halt, cooldowns, exposure and position caps, cash), on the book as it stands. Nothing is reserved or placed.",
    query: RiskCheckQuery,
    response: z.object({ accepted: z.boolean(), detail: z.string(), notional: z.number().nullable(), tradingState: z.string() }),
    errors: { 409: "the account is not initialised (not_started)" },
  },
  async (c, { query, portfolio }) => {
    return c.json(requireStarted(await actors(c.env, portfolio).account.checkEntry(query), "the account is not initialised"));
  },
);
