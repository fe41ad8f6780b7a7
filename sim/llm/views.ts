import { z } from "zod";

/**
 * The parts of the engine's prompt payloads the scripted policy reads. Names are the engine's; anything
 * else in the JSON is ignored. A payload without these fields is a 400 (an engine bug, not a model whim).
 */
const TimeframeView = z.object({
  rsi14: z.number().nullable(),
  /** Fraction: close / close 14 candles ago − 1. */
  momentum14: z.number().nullable(),
});

export const SnapshotViewSchema = z.object({
  tickers: z.array(
    z.object({
      symbol: z.string(),
      price: z.object({ value: z.number() }),
      timeframes: z.record(z.string(), TimeframeView),
    }),
  ),
  account: z.object({ positions: z.array(z.object({ symbol: z.string(), side: z.enum(["long", "short"]).optional() })) }),
  limits: z.object({ maxPositionPct: z.number(), shorts: z.boolean().optional() }),
});
export type SnapshotView = z.infer<typeof SnapshotViewSchema>;
export type TickerView = SnapshotView["tickers"][number];

export const ReviewViewSchema = z.object({
  position: z.object({
    symbol: z.string(),
    /** Fraction: −0.04 is a 4 % loss. */
    pnlPct: z.number(),
    entryPrice: z.number(),
    lastPrice: z.number(),
  }),
  ticker: z
    .object({ timeframes: z.record(z.string(), TimeframeView.pick({ rsi14: true })) })
    .nullable()
    .optional(),
});
export type ReviewView = z.infer<typeof ReviewViewSchema>;
