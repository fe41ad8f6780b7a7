import { z } from "zod";
import { TIMEFRAMES } from "../market/timeframe";

/**
 * Parameters of the regime blend (config.ts re-exports this as `RegimeBlendConfigSchema`); strict so
 * a misspelt field is an error, not a silent default.
 */
export const RegimeBlendParamsSchema = z.strictObject({
  /** The candles the rule reads (the seeds ran it on 4h "swing" and on daily candles). */
  timeframe: z.enum(TIMEFRAMES).default("4h"),
  rsiPeriod: z.number().int().min(2).default(14),
  momentumPeriod: z.number().int().min(1).default(14),
  bollingerPeriod: z.number().int().min(2).default(20),
  bollingerK: z.number().positive().default(2),
  trendBuyRsi: z.number().default(50),
  trendBuyMomentum: z.number().default(0.02),
  trendSellMomentum: z.number().default(-0.05),
  rangeBuyBandMult: z.number().positive().default(1.02),
  rangeBuyRsi: z.number().default(40),
  rangeSellBandMult: z.number().positive().default(0.98),
  efficiencyPeriod: z.number().int().min(2).default(14),
  trendingEfficiency: z.number().min(0).max(1).default(0.3),
});
export type RegimeBlendParams = z.infer<typeof RegimeBlendParamsSchema>;
