import { pointsAsOf } from "./points-as-of";
import type { StampedPoint, StrategyContext } from "./strategy";

export type FundingReading = { ok: true; latest: StampedPoint; previous: StampedPoint | null; ageMs: number } | { ok: false; reason: string; ageMs: number | null };

/**
 * The last funding rate settled at or before `now`, and the one before it; not ok when there is none
 * or it is older than `maxAgeMs` (a stale rate says nothing about positioning now).
 */
export function freshFunding(ctx: Pick<StrategyContext, "funding" | "now">, maxAgeMs: number): FundingReading {
  const settled = pointsAsOf(ctx.funding, ctx.now);
  const latest = settled.at(-1);
  if (latest === undefined) return { ok: false, reason: "no funding rate settled at or before now", ageMs: null };
  const ageMs = ctx.now - latest.at;
  if (ageMs > maxAgeMs) {
    return { ok: false, reason: `last funding rate is ${(ageMs / 3_600_000).toFixed(1)} h old (more than ${maxAgeMs / 3_600_000} h)`, ageMs };
  }
  return { ok: true, latest, previous: settled.at(-2) ?? null, ageMs };
}

/** Confidence of a funding signal: |rate|/threshold scaled so `fullAt` × threshold gives 1 (capped). */
export function fundingConfidence(rate: number, threshold: number, fullAt: number): number {
  return Math.min(1, Math.abs(rate) / threshold / fullAt);
}
