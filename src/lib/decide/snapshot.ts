import { z } from "zod";
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from "../market/timeframe";
import type { Candle } from "../market/candle";

const CandleSchema = z.object({ t: z.number().int(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number() });

export const TickerSnapshotSchema = z.object({
  symbol: z.string(),
  price: z.number().positive(),
  priceAt: z.number().int(),
  timeframe: z.enum(TIMEFRAMES),
  /** Closed candles of `timeframe`, ascending, none closing after the snapshot time. */
  candles: z.array(CandleSchema),
  zRet: z.number(),
  zVol: z.number(),
});
export type TickerSnapshot = z.infer<typeof TickerSnapshotSchema>;

export const SnapshotPositionSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  qty: z.number(),
  entryPrice: z.number(),
  lastPrice: z.number(),
  openedAt: z.number().int(),
});

export const MarketSnapshotSchema = z.object({
  version: z.literal(1),
  at: z.number().int(),
  portfolio: z.string(),
  wake: z.object({ layer: z.string(), reason: z.string() }),
  tickers: z.array(TickerSnapshotSchema),
  account: z.object({
    cash: z.number(),
    equity: z.number(),
    exposure: z.number(),
    tradingState: z.enum(["ACTIVE", "HALTED"]),
    positions: z.array(SnapshotPositionSchema),
  }),
  limits: z.object({ maxPositionPct: z.number(), maxExposurePct: z.number(), maxPositions: z.number().int(), minNotional: z.number() }),
});
export type MarketSnapshot = z.infer<typeof MarketSnapshotSchema>;

export interface TickerInput {
  symbol: string;
  timeframe: Timeframe;
  candles: Candle[];
  price: number | null;
  priceAt: number | null;
  zRet: number;
  zVol: number;
}

export type SnapshotInput = Omit<MarketSnapshot, "version" | "at" | "tickers"> & { tickers: TickerInput[] };

/**
 * Builds the point-in-time snapshot at `now`: candles that close after `now` and prices stamped after
 * `now` are left out, so a snapshot built at t is the same whatever later data exists. A ticker with
 * no usable price is omitted.
 */
export function buildSnapshot(input: SnapshotInput, now: number): MarketSnapshot {
  const tickers: TickerSnapshot[] = [];
  for (const t of input.tickers) {
    const span = TIMEFRAME_MS[t.timeframe];
    const candles = t.candles.filter((c) => c.t + span <= now);
    let price = t.price;
    let priceAt = t.priceAt;
    if (price === null || priceAt === null || priceAt > now) {
      const last = candles[candles.length - 1];
      if (!last) continue;
      price = last.c;
      priceAt = last.t + span;
    }
    tickers.push({ symbol: t.symbol, price, priceAt, timeframe: t.timeframe, candles, zRet: t.zRet, zVol: t.zVol });
  }
  return { version: 1, at: now, portfolio: input.portfolio, wake: input.wake, tickers, account: input.account, limits: input.limits };
}
