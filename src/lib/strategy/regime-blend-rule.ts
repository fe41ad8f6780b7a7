import type { Candle } from "../market/candle";
import { lastBollinger } from "../market/indicators/bollinger";
import { lastMomentum } from "../market/indicators/momentum";
import { lastRsi } from "../market/indicators/rsi";
import { classifyTrend } from "../regime/trend";
import { num, pct } from "./format";
import type { RegimeBlendParams } from "./regime-blend-params";

export type RegimeBlendRule = "trend entry" | "trend exit" | "range entry" | "range exit";

/** Which rule of the regime blend fired (null: none, or not enough data), with the numbers behind it. */
export interface RegimeBlendOutcome {
  rule: RegimeBlendRule | null;
  confidence: number;
  reason: string;
  indicators: Record<string, number | string | null>;
}

/**
 * The seeds' regime blend on closed candles of the decision timeframe, the rule of the registry strategy
 * `regime-blend`. Trending (efficiency ratio ≥ threshold): entry when
 * RSI > 50 and momentum > +2 %, exit when momentum < −5 % (checked first). Ranging: exit when close >
 * upper band × 0.98 (checked first: with bands under ~4 % wide both can hold), entry when close <
 * lower band × 1.02 and RSI < 40.
 */
export function regimeBlendOutcome(candles: readonly Candle[], cfg: RegimeBlendParams): RegimeBlendOutcome {
  const need = Math.max(cfg.bollingerPeriod, cfg.rsiPeriod + 1, cfg.momentumPeriod + 1, cfg.efficiencyPeriod + 1);
  if (candles.length < need) {
    return { rule: null, confidence: 0, reason: `not enough history: ${candles.length} candles, need ${need}`, indicators: {} };
  }
  const closes = candles.map((c) => c.c);
  const close = closes[closes.length - 1]!;
  const r = lastRsi(closes, cfg.rsiPeriod);
  const mom = lastMomentum(closes, cfg.momentumPeriod);
  const bands = lastBollinger(closes, cfg.bollingerPeriod, cfg.bollingerK);
  const trend = classifyTrend(closes, cfg.efficiencyPeriod, cfg.trendingEfficiency);
  if (r === null || mom === null || bands === null) {
    return { rule: null, confidence: 0, reason: "indicators not ready", indicators: {} };
  }
  const indicators = { regime: trend.regime, efficiencyRatio: trend.efficiencyRatio, rsi: r, momentum: mom, close, bbLower: bands.lower, bbUpper: bands.upper, percentB: bands.percentB };
  const er = trend.efficiencyRatio ?? 0;
  const context = `${trend.regime} (${trend.reason}); RSI ${num(r)}, momentum ${pct(mom)}`;
  const outcome = (rule: RegimeBlendRule | null, confidence: number, why: string): RegimeBlendOutcome => ({
    rule,
    confidence: Math.min(1, Math.max(0, confidence)),
    reason: `${why}; ${context}`,
    indicators,
  });
  if (trend.regime === "trending") {
    if (mom < cfg.trendSellMomentum) return outcome("trend exit", er, `momentum ${pct(mom)} < ${pct(cfg.trendSellMomentum)}`);
    if (r > cfg.trendBuyRsi && mom > cfg.trendBuyMomentum) {
      return outcome("trend entry", er, `RSI ${num(r)} > ${cfg.trendBuyRsi} and momentum ${pct(mom)} > ${pct(cfg.trendBuyMomentum)}`);
    }
    return outcome(null, 0, "no trending entry or exit condition");
  }
  if (close > bands.upper * cfg.rangeSellBandMult) {
    return outcome("range exit", Math.min(1, bands.percentB - 0.5), `close ${close} > upper band ${num(bands.upper)} × ${cfg.rangeSellBandMult}`);
  }
  if (close < bands.lower * cfg.rangeBuyBandMult && r < cfg.rangeBuyRsi) {
    return outcome("range entry", 1 - bands.percentB, `close ${close} < lower band ${num(bands.lower)} × ${cfg.rangeBuyBandMult} and RSI ${num(r)} < ${cfg.rangeBuyRsi}`);
  }
  return outcome(null, 0, "no ranging entry or exit condition");
}
