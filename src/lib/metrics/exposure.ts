import type { TradeRecord } from "./types";

/**
 * Share of [from, to] covered by at least one trade's [entryAt, exitAt], overlapping trades merged so
 * two positions open at once count once. null for an empty span.
 */
export function exposure(trades: readonly TradeRecord[], from: number, to: number): number | null {
  if (!(to > from)) return null;
  const spans = trades
    .map((t) => [Math.max(t.entryAt, from), Math.min(t.exitAt, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let run: [number, number] | null = null;
  for (const [a, b] of spans) {
    if (run && a <= run[1]) run[1] = Math.max(run[1], b);
    else {
      if (run) covered += run[1] - run[0];
      run = [a, b];
    }
  }
  if (run) covered += run[1] - run[0];
  return covered / (to - from);
}
