import { z } from "zod";
import { pct } from "./format";
import { freshFunding, fundingConfidence } from "./fresh-funding";
import { fundingParamFields } from "./funding-params";
import { signalMaker } from "./make-signal";
import type { Signal, Strategy } from "./strategy";

const NAME = "funding-rate";
const FundingRateParams = z.strictObject(fundingParamFields);

/** Extreme funding is contrarian: when one side pays a lot to hold, that side is crowded. */
export const fundingRate: Strategy<typeof FundingRateParams> = {
  name: NAME,
  description:
    "Contrarian on extreme perpetual funding: last settled rate ≥ +0.05 %/interval → short (longs crowded), ≤ −0.05 % → long; confidence grows with |rate|/threshold. Pass when no rate settled in the last 12 h.",
  assets: "all",
  readsFunding: true,
  timeframe: "4h",
  params: FundingRateParams,
  evaluate(ctx, p): Signal {
    const make = signalMaker(NAME, ctx);
    const f = freshFunding(ctx, p.maxAgeMs);
    if (!f.ok) return make("PASS", 0, f.reason, { fundingAgeMs: f.ageMs, threshold: p.threshold });
    const rate = f.latest.value;
    const metadata = { fundingRate: rate, fundingAt: f.latest.at, fundingAgeMs: f.ageMs, threshold: p.threshold, rateOverThreshold: Math.abs(rate) / p.threshold };
    const confidence = fundingConfidence(rate, p.threshold, p.fullConfidenceAt);
    if (rate >= p.threshold) return make("SHORT", confidence, `extreme positive funding: ${pct(rate, 4)} ≥ +${pct(p.threshold, 4)}, longs crowded`, metadata);
    if (rate <= -p.threshold) return make("LONG", confidence, `extreme negative funding: ${pct(rate, 4)} ≤ −${pct(p.threshold, 4)}, shorts crowded`, metadata);
    return make("PASS", 0, `funding ${pct(rate, 4)} within ±${pct(p.threshold, 4)}`, metadata);
  },
};
