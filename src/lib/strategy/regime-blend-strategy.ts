import { closedCandles } from "./closed-candles";
import { signalMaker } from "./make-signal";
import { RegimeBlendParamsSchema } from "./regime-blend-params";
import { regimeBlendOutcome, type RegimeBlendOutcome } from "./regime-blend-rule";
import { perWindow } from "../market/window-memo";
import type { Signal, SignalAction, Strategy } from "./strategy";

export const REGIME_BLEND = "regime-blend";

const ACTION = { "trend entry": "LONG", "range entry": "LONG", "trend exit": "CLOSE", "range exit": "CLOSE" } as const satisfies Record<string, SignalAction>;

/** An outcome shared by every decision on its window (its indicators become signal metadata): read-only. */
function frozenOutcome(o: RegimeBlendOutcome): RegimeBlendOutcome {
  Object.freeze(o.indicators);
  return Object.freeze(o);
}

/** The seed rule as a registry strategy: entries are LONG, exits CLOSE (whether or not a position is open). */
export const regimeBlend: Strategy<typeof RegimeBlendParamsSchema> = {
  name: REGIME_BLEND,
  description:
    "Trending (efficiency ratio ≥ threshold): long when RSI > 50 and momentum > +2 %, close when momentum < −5 %. Ranging: long when close < lower Bollinger band × 1.02 and RSI < 40, close when close > upper band × 0.98.",
  assets: "all",
  timeframe: "4h",
  params: RegimeBlendParamsSchema,
  evaluate(ctx, params): Signal {
    const make = signalMaker(REGIME_BLEND, ctx);
    const o = perWindow(closedCandles(ctx, params.timeframe), "regime-blend", params, (candles) => frozenOutcome(regimeBlendOutcome(candles, params)));
    if (o.rule === null) return make("PASS", 0, o.reason, o.indicators);
    return make(ACTION[o.rule], o.confidence, `${o.rule}: ${o.reason}`, { ...o.indicators, rule: o.rule });
  },
};
