/** Exponential backoff for retries of storage-backed work (D1 writes, deliveries, timers). */
export function retryDelayMs(attempts: number, baseMs = 1_000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 16));
}
