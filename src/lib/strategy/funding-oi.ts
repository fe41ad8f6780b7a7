import { z } from "zod";
import { pct } from "./format";
import { freshFunding, fundingConfidence } from "./fresh-funding";
import { fundingParamFields, HOUR_MS } from "./funding-params";
import { signalMaker } from "./make-signal";
import { pointsAsOf } from "./points-as-of";
import type { Signal, Strategy } from "./strategy";

const NAME = "funding-oi";

const FundingOiParams = z.strictObject({
  ...fundingParamFields,
  /** Open interest must have grown by more than this fraction over `oiLookbackMs`. */
  oiRise: z.number().positive().default(0.1),
  oiLookbackMs: z
    .number()
    .int()
    .positive()
    .default(24 * HOUR_MS),
  /** Added to the funding confidence: crowding confirmed by new positions is the stronger signal. */
  confidenceBoost: z.number().min(0).max(1).default(0.25),
});

/**
 * Extreme funding while open interest swells: the crowded side is still adding, so the contrarian
 * signal is stronger than funding alone. Open interest is compared with the last value at or before
 * now − lookback.
 */
export const fundingOi: Strategy<typeof FundingOiParams> = {
  name: NAME,
  description:
    "Contrarian on extreme funding (|rate| ≥ 0.05 %/interval) confirmed by open interest up more than 10 % over 24 h: short when longs pay, long when shorts pay, with more confidence than funding alone.",
  assets: "all",
  readsFunding: true,
  timeframe: "4h",
  params: FundingOiParams,
  evaluate(ctx, p): Signal {
    const make = signalMaker(NAME, ctx);
    if (ctx.openInterest === null) return make("PASS", 0, "no open interest source");
    const f = freshFunding(ctx, p.maxAgeMs);
    if (!f.ok) return make("PASS", 0, f.reason, { fundingAgeMs: f.ageMs, threshold: p.threshold });
    const rate = f.latest.value;
    const funding = { fundingRate: rate, fundingAt: f.latest.at, threshold: p.threshold };
    if (Math.abs(rate) < p.threshold) return make("PASS", 0, `funding ${pct(rate, 4)} within ±${pct(p.threshold, 4)}`, funding);
    const oi = pointsAsOf(ctx.openInterest, ctx.now);
    const latest = oi.at(-1);
    if (latest === undefined || ctx.now - latest.at > p.maxAgeMs) return make("PASS", 0, "no recent open interest", funding);
    const base = pointsAsOf(oi, ctx.now - p.oiLookbackMs).at(-1);
    if (base === undefined || base.value <= 0) return make("PASS", 0, `no open interest from ${p.oiLookbackMs / HOUR_MS} h before now`, funding);
    const oiChange = latest.value / base.value - 1;
    const metadata = { ...funding, openInterest: latest.value, openInterestAt: latest.at, openInterestBefore: base.value, openInterestBeforeAt: base.at, oiChange };
    const rise = `open interest ${pct(oiChange, 1)} over ${p.oiLookbackMs / HOUR_MS} h`;
    // compared as a product so a rise of exactly oiRise is not tipped over it by rounding
    if (!(latest.value > base.value * (1 + p.oiRise))) return make("PASS", 0, `funding ${pct(rate, 4)} extreme but ${rise} (not > ${pct(p.oiRise, 0)})`, metadata);
    const confidence = fundingConfidence(rate, p.threshold, p.fullConfidenceAt) + p.confidenceBoost;
    if (rate > 0) return make("SHORT", confidence, `crowded longs adding: funding ${pct(rate, 4)} ≥ +${pct(p.threshold, 4)} and ${rise}`, metadata);
    return make("LONG", confidence, `crowded shorts adding: funding ${pct(rate, 4)} ≤ −${pct(p.threshold, 4)} and ${rise}`, metadata);
  },
};
