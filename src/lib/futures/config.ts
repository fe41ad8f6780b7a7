import { z } from "zod";

const SymbolTermsSchema = z.strictObject({
  leverage: z.number().int().min(1).max(125).optional(),
  maintenanceMarginRate: z.number().min(0).max(0.5).optional(),
});

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
    /** Futures: per symbol ("ETH/USDT"), a leverage and maintenance margin rate other than the defaults above. */
    symbols: z.record(z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,10}$/, "symbols look like BTC/USDT"), SymbolTermsSchema).default({}),
  })
  .superRefine((m, ctx) => {
    for (const symbol of ["", ...Object.keys(m.symbols)]) {
      const { leverage, maintenanceMarginRate } = symbolTerms(m, symbol);
      const at = symbol ? ["symbols", symbol] : [];
      if (leverage > m.maxLeverage) ctx.addIssue({ code: "custom", path: [...at, "leverage"], message: `leverage ${leverage} is above market.maxLeverage ${m.maxLeverage}` });
      if (maintenanceMarginRate >= 1 / leverage) {
        ctx.addIssue({ code: "custom", path: [...at, "maintenanceMarginRate"], message: `the maintenance margin rate must be below the initial margin rate 1 / leverage (${1 / leverage})` });
      }
    }
  });
export type MarketConfig = z.infer<typeof MarketConfigSchema>;

/** The leverage and maintenance margin rate `symbol` trades at under `market`: its own, else the defaults. */
export function symbolTerms(market: Pick<MarketConfig, "leverage" | "maintenanceMarginRate" | "symbols">, symbol: string): { leverage: number; maintenanceMarginRate: number } {
  const own = Object.hasOwn(market.symbols, symbol) ? market.symbols[symbol] : undefined;
  return { leverage: own?.leverage ?? market.leverage, maintenanceMarginRate: own?.maintenanceMarginRate ?? market.maintenanceMarginRate };
}

/** Whether a decider may open a short under `market`. */
export function shortsAllowed(market: Pick<MarketConfig, "type" | "shorts">): boolean {
  return market.type === "futures" && market.shorts;
}
