import { laggingSymbols } from "./snapshot";

/** How soon a decision waiting for a market behind the others looks again. */
export const SNAPSHOT_RETRY_MS = 500;

/**
 * A market whose candles stop short of the decision's minute (its ticker behind the others) would put two moments in
 * one snapshot: the decision looks again in SNAPSHOT_RETRY_MS, for up to `waitMs` of wall time, then decides on what
 * there is. Answers whether to wait (and until when), or to go on, with who lagged when the wait ran out.
 */
export function snapshotWait<J extends { at: number; waitingSinceWall?: number }>(
  job: J,
  marks: { symbol: string; closedThrough: number | null }[],
  wall: number,
  waitMs: number,
): { wait: true; retry: J; retryAt: number } | { wait: false; waitedMs: number | null; lagging: string[] } {
  const lagging = laggingSymbols(marks, job.at);
  const since = job.waitingSinceWall ?? wall;
  if (lagging.length === 0) return { wait: false, waitedMs: job.waitingSinceWall === undefined ? null : wall - since, lagging: [] };
  if (wall - since < waitMs) return { wait: true, retry: { ...job, waitingSinceWall: since }, retryAt: wall + SNAPSHOT_RETRY_MS };
  return { wait: false, waitedMs: wall - since, lagging: lagging.map((l) => `${l.symbol} ${Number.isFinite(l.behindMs) ? `${Math.round(l.behindMs / 1000)} s` : "no candles"} behind`) };
}
