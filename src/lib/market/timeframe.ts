/** Candle timeframes the engine builds and trades on, with their length in ms. */
export const TIMEFRAMES = ["1m", "15m", "1h", "4h", "1d"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  "1m": 60_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

/** Open time of the bucket of `tf` that contains `t` (UTC-aligned, as Binance aligns klines). */
export function bucketStart(t: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf];
  return t - (((t % ms) + ms) % ms);
}
