/**
 * Reconnect delay: exponential in the attempt, capped, with "equal jitter" (half fixed, half random)
 * so many sockets dropped together do not reconnect together. `random` is in [0, 1).
 */
export function jitteredBackoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 20)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
