import type { SynthesisResult } from "./types";

/**
 * Execution order (the seed's SELL-before-BUY rule, which frees cash before buying): SELLs first, most
 * bearish first; then BUYs, strongest first; then HOLDs in their given order. Does not mutate `results`.
 */
export function orderActions<T extends Pick<SynthesisResult, "action" | "score">>(results: readonly T[]): T[] {
  const rank = { SELL: 0, BUY: 1, HOLD: 2 } as const;
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const byAction = rank[a.r.action] - rank[b.r.action];
      if (byAction !== 0) return byAction;
      if (a.r.action === "SELL") return a.r.score - b.r.score || a.i - b.i;
      if (a.r.action === "BUY") return b.r.score - a.r.score || a.i - b.i;
      return a.i - b.i;
    })
    .map((x) => x.r);
}
