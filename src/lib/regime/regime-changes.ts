import type { CombinedRegime } from "./types";

/** Each symbol's regime change since the regimes last noted (`known`, updated in place); the changes in order. */
export function regimeChanges(known: Record<string, string>, regimes: Record<string, CombinedRegime | null>) {
  const changes: { symbol: string; regime: string; previous: string | null; trend: string; volatility: string; confidence: number }[] = [];
  for (const [symbol, r] of Object.entries(regimes)) {
    if (!r || known[symbol] === r.learnerKey) continue;
    changes.push({ symbol, regime: r.learnerKey, previous: known[symbol] ?? null, trend: r.trend, volatility: r.volatility, confidence: r.confidence });
    known[symbol] = r.learnerKey;
  }
  return changes;
}
