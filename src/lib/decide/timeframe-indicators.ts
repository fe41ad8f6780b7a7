import type { Candle } from "../market/candle";
import { lastAtrPercent } from "../market/indicators/atr";
import { lastBollinger } from "../market/indicators/bollinger";
import { lastEfficiencyRatio } from "../market/indicators/efficiency-ratio";
import { lastEma } from "../market/indicators/ema";
import { lastMomentum } from "../market/indicators/momentum";
import { lastRsi } from "../market/indicators/rsi";
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
  const e20 = lastEma(closes, 20);
  const e50 = lastEma(closes, 50);
  const trend = e20 === null || e50 === null ? null : Math.abs(e20 / e50 - 1) < FLAT_BAND ? "flat" : e20 > e50 ? "up" : "down";
  return {
    at: closeTime,
    close: last.c,
    rsi14: lastRsi(closes, 14),
    bbPosition: bands?.percentB ?? null,
    bbLower: bands?.lower ?? null,
    bbUpper: bands?.upper ?? null,
    atrPct: lastAtrPercent(candles, 14),
    momentum14: lastMomentum(closes, 14),
    ema20: e20,
    ema50: e50,
    emaTrend: trend,
    efficiencyRatio14: lastEfficiencyRatio(closes, 14),
  };
}
