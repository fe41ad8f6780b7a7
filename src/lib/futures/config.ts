import { z } from "zod";

/**
 * Where the engine trades: `spot` (long only, the asset bought outright) or `futures` (Binance USD-M perpetuals:
 * isolated margin at `leverage`, longs and, with `shorts`, shorts; funding settled into each position).
 */
export const MarketConfigSchema = z
  .object({
    type: z.enum(["spot", "futures"]).default("spot"),
    /** Futures: whether deciders may open shorts. */
    shorts: z.boolean().default(true),
    /** Futures: the leverage every entry is placed at. */
    leverage: z.number().int().min(1).max(125).default(2),
    /** Futures: the highest leverage the config may ask for (a guard against a typo of 20 for 2). */
    maxLeverage: z.number().int().min(1).max(125).default(5),
    marginMode: z.literal("isolated").default("isolated"),
    /** Futures: the maintenance margin rate of the symbols' first tier (Binance: 0.4 % for BTCUSDT and ETHUSDT). */
    maintenanceMarginRate: z.number().min(0).max(0.5).default(0.004),
    /**
     * Futures: an entry is refused when its liquidation price is nearer than this many hard-stop distances, so the
     * stop always closes it well before the venue would.
     */
    liquidationBuffer: z.number().min(1).max(20).default(2),
  })
  .refine((m) => m.leverage <= m.maxLeverage, { message: "market.leverage is above market.maxLeverage", path: ["leverage"] })
  .refine((m) => m.maintenanceMarginRate < 1 / m.leverage, { message: "market.maintenanceMarginRate must be below the initial margin rate 1 / leverage", path: ["maintenanceMarginRate"] });
export type MarketConfig = z.infer<typeof MarketConfigSchema>;

/** Whether a decider may open a short under `market`. */
export function shortsAllowed(market: Pick<MarketConfig, "type" | "shorts">): boolean {
  return market.type === "futures" && market.shorts;
}
