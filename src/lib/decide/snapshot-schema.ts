import { TickerEvidenceSchema } from "./evidence";
import { z } from "zod";
import { TIMEFRAMES } from "../market/timeframe";
import { RecalledEpisodeSchema } from "../memory/episode-schema";

const CandleSchema = z.object({ t: z.number().int(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number() });
const num = z.number().nullable();
/** A value with the time its source produced it (epoch ms). */
const stamped = <T extends z.ZodType>(value: T) => z.object({ value, at: z.number().int() });

export const TimeframeIndicatorsSchema = z.object({
  /** Close time of the last closed candle these were computed from. */
  at: z.number().int(),
  close: z.number(),
  rsi14: num,
  /** Bollinger %B (20, 2): 0 at the lower band, 1 at the upper. */
  bbPosition: num,
  bbLower: num,
  bbUpper: num,
  atrPct: num,
  /** close / close 14 candles ago − 1. */
  momentum14: num,
  ema20: num,
  ema50: num,
  emaTrend: z.enum(["up", "down", "flat"]).nullable(),
  efficiencyRatio14: num,
});
export type TimeframeIndicators = z.infer<typeof TimeframeIndicatorsSchema>;

export const TickerSnapshotSchema = z.object({
  symbol: z.string(),
  price: stamped(z.number().positive()),
  /** Returns over 4 h and 24 h and 24 h volume, from closed 1h candles. */
  returns: z.object({ r4h: num, r24h: num, volume24h: num, at: z.number().int() }).nullable(),
  timeframes: z.partialRecord(z.enum(TIMEFRAMES), TimeframeIndicatorsSchema),
  features: z.object({ zRet: z.number(), zVol: z.number(), at: z.number().int() }),
  derivatives: z.object({
    fundingRate: stamped(z.number()).nullable(),
    openInterest: stamped(z.number()).nullable(),
    takerBuySellRatio: stamped(z.number()).nullable(),
    longShortRatio: stamped(z.number()).nullable(),
    /** mark / index − 1; absent when no source provides it. */
    basis: stamped(z.number()).nullable().optional(),
    /** The forced orders of the last hour: count, longs' and shorts' base quantity liquidated, notional; absent without a source. */
    liquidations: z.object({ at: z.number().int(), windowMs: z.number().int(), count: z.number().int(), longsQty: z.number(), shortsQty: z.number(), notional: z.number() }).nullable().optional(),
    /** True when the source labels these values synthetic (the simulator's generator): not market history. */
    synthetic: z.literal(true).optional(),
  }),
  regime: z
    .object({
      trend: z.enum(["trending", "ranging"]),
      efficiencyRatio: num,
      at: z.number().int(),
      /** The combined regime when detected from daily candles: trend direction, volatility, HMM state, macro. */
      label: z.string().optional(),
      volatility: z.enum(["calm", "normal", "volatile"]).optional(),
      hmmState: z.number().int().nullable().optional(),
      macro: z.string().optional(),
      exposureScale: z.number().optional(),
      confidence: z.number().optional(),
    })
    .nullable(),
  /** Closed candles of the decision timeframe (oldest first) for the rule strategies; not sent to Claude. */
  candles: z.array(CandleSchema),
});
export type TickerSnapshot = z.infer<typeof TickerSnapshotSchema>;

export const SnapshotPositionSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  qty: z.number(),
  entryPrice: z.number(),
  lastPrice: z.number(),
  openedAt: z.number().int(),
  pnlPct: z.number(),
  /** Futures positions only (a spot position is a long): the side, the leverage, the funding settled so far. */
  side: z.enum(["long", "short"]).optional(),
  leverage: z.number().optional(),
  funding: z.number().optional(),
  /** A leg of a position group (the funding carry), by the group's id. */
  group: z.string().optional(),
});

export const RecentTradeSchema = z.object({
  symbol: z.string(),
  agent: z.string(),
  pnl: z.number(),
  pnlPct: z.number(),
  exitKind: z.string(),
  openedAt: z.number().int(),
  closedAt: z.number().int(),
  /** Present on a short only (a trade without it was long). */
  side: z.literal("short").optional(),
});
export type RecentTrade = z.infer<typeof RecentTradeSchema>;

export const LimitsSchema = z.object({
  maxPositionPct: z.number(),
  maxExposurePct: z.number(),
  maxPositions: z.number().int(),
  minNotional: z.number(),
  hardStopPct: z.number(),
  trailActivationPct: z.number(),
  trailPct: z.number(),
  minNextCheckSeconds: z.number().int(),
  maxNextCheckSeconds: z.number().int(),
  /** Present (true) when SHORT may open a short on the perpetual: the market is futures with shorts on. */
  shorts: z.literal(true).optional(),
  /** Futures: the leverage entries are placed at. */
  leverage: z.number().optional(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const MarketSnapshotSchema = z.object({
  version: z.literal(2),
  at: z.number().int(),
  portfolio: z.string(),
  decisionTimeframe: z.enum(TIMEFRAMES),
  wake: z.object({ layer: z.string(), reason: z.string() }),
  tickers: z.array(TickerSnapshotSchema),
  account: z.object({
    cash: z.number(),
    equity: z.number(),
    exposure: z.number(),
    tradingState: z.enum(["ACTIVE", "HALTED"]),
    positions: z.array(SnapshotPositionSchema),
    at: z.number().int(),
  }),
  recentTrades: z.array(RecentTradeSchema),
  learner: z.object({ agents: z.array(z.object({ agent: z.string(), trades: z.number().int(), wins: z.number().int(), losses: z.number().int() })), at: z.number().int() }),
  memory: stamped(z.string().max(500)).nullable(),
  /** Past episodes like each ticker's market now, closed before the snapshot (src/lib/memory/episodes.ts); absent when none were looked up. */
  episodes: z.array(RecalledEpisodeSchema).optional(),
  /** The strategies' signals and the agents' votes of this decision (src/lib/decide/evidence.ts); absent when not computed. */
  evidence: z.array(TickerEvidenceSchema).optional(),
  limits: LimitsSchema,
});
export type MarketSnapshot = z.infer<typeof MarketSnapshotSchema>;
