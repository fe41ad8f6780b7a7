import type { RegimeBlendConfig } from "../config";
import type { Candle } from "../market/candle";
import { bollinger } from "../market/indicators/bollinger";
import { momentum } from "../market/indicators/momentum";
import { rsi } from "../market/indicators/rsi";
import { classifyTrend } from "../regime/trend";
import type { StrategySignal } from "./signal";

export const REGIME_BLEND = "regime-blend";

const fmt = (x: number, d = 2) => x.toFixed(d);

/**
 * The seeds' regime blend on closed candles of the decision timeframe.
 * Trending: BUY when RSI > 50 and momentum > +2 %; SELL when momentum < −5 %.
 * Ranging: BUY when close < lower band × 1.02 and RSI < 40; SELL when close > upper band × 0.98.
 */
export function regimeBlendSignal(candles: readonly Candle[], cfg: RegimeBlendConfig): StrategySignal {
  const need = Math.max(cfg.bollingerPeriod, cfg.rsiPeriod + 1, cfg.momentumPeriod + 1, cfg.efficiencyPeriod + 1);
  if (candles.length < need) {
    return { strategy: REGIME_BLEND, action: "HOLD", confidence: 0, reason: `not enough history: ${candles.length} candles, need ${need}`, indicators: {} };
  }
  const closes = candles.map((c) => c.c);
  const close = closes[closes.length - 1]!;
  const r = rsi(closes, cfg.rsiPeriod).at(-1) ?? null;
  const mom = momentum(closes, cfg.momentumPeriod).at(-1) ?? null;
  const bands = bollinger(closes, cfg.bollingerPeriod, cfg.bollingerK).at(-1) ?? null;
  const trend = classifyTrend(closes, cfg.efficiencyPeriod, cfg.trendingEfficiency);
  if (r === null || mom === null || bands === null) {
    return { strategy: REGIME_BLEND, action: "HOLD", confidence: 0, reason: "indicators not ready", indicators: {} };
  }
  const indicators = { regime: trend.regime, efficiencyRatio: trend.efficiencyRatio, rsi: r, momentum: mom, close, bbLower: bands.lower, bbUpper: bands.upper, percentB: bands.percentB };
  const er = trend.efficiencyRatio ?? 0;
  const context = `${trend.regime} (${trend.reason}); RSI ${fmt(r)}, momentum ${fmt(mom * 100)}%`;
  const signal = (action: StrategySignal["action"], confidence: number, why: string): StrategySignal => ({
    strategy: REGIME_BLEND,
    action,
    confidence: Math.min(1, Math.max(0, confidence)),
    reason: `${why}; ${context}`,
    indicators,
  });
  if (trend.regime === "trending") {
    if (mom < cfg.trendSellMomentum) return signal("SELL", er, `momentum ${fmt(mom * 100)}% < ${fmt(cfg.trendSellMomentum * 100)}%`);
    if (r > cfg.trendBuyRsi && mom > cfg.trendBuyMomentum) {
      return signal("BUY", er, `RSI ${fmt(r)} > ${cfg.trendBuyRsi} and momentum ${fmt(mom * 100)}% > ${fmt(cfg.trendBuyMomentum * 100)}%`);
    }
    return signal("HOLD", 0, "no trending entry or exit condition");
  }
  if (close > bands.upper * cfg.rangeSellBandMult) {
    return signal("SELL", Math.min(1, bands.percentB - 0.5), `close ${close} > upper band ${fmt(bands.upper)} × ${cfg.rangeSellBandMult}`);
  }
  if (close < bands.lower * cfg.rangeBuyBandMult && r < cfg.rangeBuyRsi) {
    return signal("BUY", 1 - bands.percentB, `close ${close} < lower band ${fmt(bands.lower)} × ${cfg.rangeBuyBandMult} and RSI ${fmt(r)} < ${cfg.rangeBuyRsi}`);
  }
  return signal("HOLD", 0, "no ranging entry or exit condition");
}
