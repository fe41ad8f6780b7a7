/** Binance kline interval strings this simulator serves, with their length in ms. 3d/1w/1M are not served. */
export const INTERVAL_MS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
};

export const MINUTE = 60_000;

export function intervalMs(interval: string): number | undefined {
  return Object.hasOwn(INTERVAL_MS, interval) ? INTERVAL_MS[interval] : undefined;
}

/** Open time of the `ms`-long UTC-aligned bucket containing `t`. */
export function bucketOf(t: number, ms: number): number {
  return t - (((t % ms) + ms) % ms);
}

/** Binance-style decimal string (8 places). */
export function dec(n: number): string {
  return (Object.is(n, -0) ? 0 : n).toFixed(8);
}

/** Rounds to 8 decimals so balances and quantities do not drift through float arithmetic. */
export function round8(n: number): number {
  return Math.round(n * 1e8) / 1e8;
}

/** True if `value` is an integer multiple of `step` (tolerant of float representation). */
export function isMultiple(value: number, step: number): boolean {
  const k = value / step;
  return Math.abs(k - Math.round(k)) < 1e-7;
}

/** Largest multiple of `step` not above `value`. */
export function floorToStep(value: number, step: number): number {
  return round8(Math.floor(value / step + 1e-9) * step);
}
