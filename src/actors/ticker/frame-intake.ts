import { parseKlineFrame, type FrameLimits, type KlineUpdate } from "../../adapters/exchange/binance-frames";
import type { Logger } from "../../adapters/log";
import { sequenceMinute, type MinuteStep } from "../../lib/market/minute-sequence";
import { exchangeSymbol } from "../names";
import type { HealthRecord } from "./feed-health";

/**
 * Reads a frame of a market's 1m kline stream (`symbol` as BTC/USDT), counted in the feed health: a dropped frame by its
 * reason (logged on the first and every 100th), a valid one with its event time. Answers the kline and where it stands
 * against the last closed minute (`sequenceMinute`), or null for a control frame or a dropped one.
 */
export function readFrame(raw: string, symbol: string, lastMinute: number | null, limits: FrameLimits, health: HealthRecord, log: Logger): { kline: KlineUpdate; step: MinuteStep } | null {
  const parsed = parseKlineFrame(raw, exchangeSymbol(symbol), "1m", limits);
  if (parsed.kind === "control") return null;
  if (parsed.kind === "dropped") {
    const n = health.dropped(parsed.reason);
    if (n === 1 || n % 100 === 0) log.warn("feed.frame_dropped", { symbol, reason: parsed.reason, detail: parsed.detail, count: n });
    return null;
  }
  health.frame(parsed.kline.eventTime);
  return { kline: parsed.kline, step: sequenceMinute(lastMinute, parsed.kline) };
}
