import { bucketStart } from "./timeframe";

const MINUTE = 60_000;

/**
 * The closed 1m history a ticker loads when it starts, at the exchange's `serverTime`: from the start of the UTC day
 * (the day's forming 15m/1h/4h/1d buckets are seeded from its minutes) or earlier when the tick features' window
 * (`featureWindow` minutes, plus the close before the first return) reaches further back.
 */
export function bootstrapWindow(serverTime: number, featureWindow: number): { dayStart: number; from: number } {
  const dayStart = bucketStart(serverTime, "1d");
  return { dayStart, from: Math.min(dayStart, serverTime - (featureWindow + 1) * MINUTE) };
}

/** The last closed minute at `serverTime` (the one before the minute in progress): where a ticker without history starts. */
export function lastClosedMinute(serverTime: number): number {
  return bucketStart(serverTime, "1m") - MINUTE;
}
