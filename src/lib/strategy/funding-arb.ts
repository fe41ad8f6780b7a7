import { z } from "zod";
import { pct } from "./format";
import { freshFunding, fundingConfidence } from "./fresh-funding";
import { fundingParamFields, HOUR_MS } from "./funding-params";
import { signalMaker } from "./make-signal";
import type { Signal, Strategy } from "./strategy";

const NAME = "funding-arb";
const YEAR_MS = 365 * 24 * HOUR_MS;

const FundingArbParams = z.strictObject({
  ...fundingParamFields,
  /**
   * While a position is held (the carry), the carry is kept as long as funding stays above this (Binance's resting rate,
   * 0.01 %/8 h): opening at the threshold and closing at the first settlement under it would pay four taker fees
   * for one settlement's carry.
   */
  holdAbove: z.number().default(0.0001),
  /** Funding interval assumed when only one settled rate is known. */
  defaultIntervalMs: z
    .number()
    .int()
    .positive()
    .default(8 * HOUR_MS),
});

/**
 * Funding carry on the perpetual leg: short the perp while longs pay (> threshold), long it while
 * shorts pay. The interval is the spacing of the last two settled rates, so the 2 h intervals Binance
 * sets in a crash annualise correctly.
 */
export const fundingArb: Strategy<typeof FundingArbParams> = {
  name: NAME,
  description:
    "Funding carry on the perpetual: funding > +0.05 %/interval → short the perp to collect it, < −0.05 % → long the perp; reports the annualised carry. Off by default: it needs a perp leg.",
  assets: "all",
  readsFunding: true,
  carry: true,
  timeframe: "4h",
  enabledByDefault: false,
  params: FundingArbParams,
  evaluate(ctx, p): Signal {
    const make = signalMaker(NAME, ctx);
    const f = freshFunding(ctx, p.maxAgeMs);
    if (!f.ok) return make("PASS", 0, f.reason, { leg: "perp", fundingAgeMs: f.ageMs, threshold: p.threshold });
    const rate = f.latest.value;
    const intervalMs = f.previous === null ? p.defaultIntervalMs : f.latest.at - f.previous.at;
    const intervalsPerYear = YEAR_MS / intervalMs;
    const metadata = {
      leg: "perp",
      fundingRate: rate,
      fundingAt: f.latest.at,
      fundingAgeMs: f.ageMs,
      threshold: p.threshold,
      intervalMs,
      intervalsPerYear,
      // signed, from the short perp's side; the carry is what the suggested leg collects
      annualisedFunding: rate * intervalsPerYear,
      annualisedCarry: Math.abs(rate) * intervalsPerYear,
    };
    const confidence = fundingConfidence(rate, p.threshold, p.fullConfidenceAt);
    const carry = `annualised carry ${pct(Math.abs(rate) * intervalsPerYear, 1)} over ${(intervalMs / HOUR_MS).toFixed(2)} h intervals`;
    if (rate > p.threshold) return make("SHORT", confidence, `funding carry: ${pct(rate, 4)} > +${pct(p.threshold, 4)}, short the perp and collect; ${carry}`, metadata);
    if (ctx.position?.carry === true && rate > p.holdAbove) {
      return make("SHORT", 1 / p.fullConfidenceAt, `carry held: funding ${pct(rate, 4)} still above +${pct(p.holdAbove, 4)}; ${carry}`, metadata);
    }
    if (rate < -p.threshold) return make("LONG", confidence, `funding carry: ${pct(rate, 4)} < −${pct(p.threshold, 4)}, long the perp and collect; ${carry}`, metadata);
    return make("PASS", 0, `funding ${pct(rate, 4)} within ±${pct(p.threshold, 4)}: carry too small`, metadata);
  },
};
