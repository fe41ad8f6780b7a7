import type { Candle } from "../market/candle";
import { lastAtrPercent } from "../market/indicators/atr";
import { lastBollinger } from "../market/indicators/bollinger";
import { EfficiencyRatio } from "../market/indicators/efficiency-ratio";
import { Ema } from "../market/indicators/ema";
import { Momentum } from "../market/indicators/momentum";
import { Rsi } from "../market/indicators/rsi";
import { lastOfBatch } from "../market/indicators/streaming-indicator";
import type { TimeframeIndicators } from "./snapshot-schema";

/** EMA20 vs EMA50 closer than this (relative) counts as flat. */
const FLAT_BAND = 0.001;

/** Candles the indicators look back over: enough to settle EMA50 and Wilder's RSI/ATR. */
export const INDICATOR_WINDOW = 120;

/**
 * Indicators of one timeframe from its closed candles (oldest first), over the last 120 of them so
 * every timeframe's values rest on the same window whatever history the caller holds; `closeTime`
 * stamps them.
 */
export function timeframeIndicators(all: readonly Candle[], closeTime: number): TimeframeIndicators | null {
  const candles = all.length > INDICATOR_WINDOW ? all.slice(-INDICATOR_WINDOW) : all;
  const last = candles[candles.length - 1];
  if (!last) return null;
  const closes = candles.map((c) => c.c);
  const bands = lastBollinger(closes, 20, 2);
  const e20 = lastOfBatch(new Ema(20), closes);
  const e50 = lastOfBatch(new Ema(50), closes);
  const trend = e20 === null || e50 === null ? null : Math.abs(e20 / e50 - 1) < FLAT_BAND ? "flat" : e20 > e50 ? "up" : "down";
  return {
    at: closeTime,
    close: last.c,
    rsi14: lastOfBatch(new Rsi(14), closes),
    bbPosition: bands?.percentB ?? null,
    bbLower: bands?.lower ?? null,
    bbUpper: bands?.upper ?? null,
    atrPct: lastAtrPercent(candles, 14),
    momentum14: lastOfBatch(new Momentum(14), closes),
    ema20: e20,
    ema50: e50,
    emaTrend: trend,
    efficiencyRatio14: lastOfBatch(new EfficiencyRatio(14), closes),
  };
}
