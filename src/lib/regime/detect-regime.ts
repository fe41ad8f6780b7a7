import type { Candle } from "../market/candle";
import { combineRegime } from "./combined-regime";
import { fitDailyRegimeModel, MIN_DAILY_OBSERVATIONS, type DailyRegimeModel, type DailyRegimeModelOptions } from "./daily-model";
import { dailyRegimeState } from "./daily-state";
import { macroRegime, type MacroRegimeParams, type MacroRegimeResult, type MacroSeries } from "./macro-regime";
import { trendRegime, type TrendRegimeParams, type TrendRegimeResult } from "./trend-regime";
import type { CombinedRegime, HmmReading } from "./types";
import { volatilityRegime, type VolatilityRegimeParams, type VolatilityRegimeResult } from "./volatility-regime";

export interface DetectRegimeOptions {
  now: number;
  /** Candle length; a candle counts once `t + candleMs <= now`. Default one day. */
  candleMs?: number;
  trend?: Partial<TrendRegimeParams>;
  volatility?: Partial<VolatilityRegimeParams>;
  macro?: MacroSeries | null;
  macroParams?: Partial<MacroRegimeParams>;
  /** Fit an HMM on the closed history, or score with a model fitted earlier; no HMM when absent. */
  hmm?: { seed: number; options?: DailyRegimeModelOptions } | { model: DailyRegimeModel } | null;
}

export interface DetectedRegime {
  regime: CombinedRegime;
  trend: TrendRegimeResult;
  volatility: VolatilityRegimeResult;
  macro: MacroRegimeResult;
  hmm: HmmReading | null;
  model: DailyRegimeModel | null;
  /** Closed candles used. */
  candles: number;
}

/**
 * The regime now from daily candles (oldest first), point in time: candles still open at `now` and
 * macro points released after it are ignored. A supplied model trained past the last closed candle
 * would leak the future and is refused.
 */
export function detectRegime(dailyCandles: readonly Candle[], opts: DetectRegimeOptions): DetectedRegime {
  const candleMs = opts.candleMs ?? 86_400_000;
  const closed = dailyCandles.filter((c) => c.t + candleMs <= opts.now);
  const closes = closed.map((c) => c.c);
  const trend = trendRegime(closes, opts.trend);
  const volatility = volatilityRegime(closes, opts.volatility);
  const macro = macroRegime(opts.macro ?? null, opts.now, opts.macroParams);

  let model: DailyRegimeModel | null = null;
  if (opts.hmm && "model" in opts.hmm) {
    model = opts.hmm.model;
    const last = closed.at(-1);
    if (last === undefined || model.fittedThrough > last.t) throw new Error(`regime: model fitted through ${model.fittedThrough}, after the last closed candle`);
  } else if (opts.hmm && closed.length - (opts.hmm.options?.volPeriod ?? 20) >= MIN_DAILY_OBSERVATIONS) {
    model = fitDailyRegimeModel(closed, opts.hmm.seed, opts.hmm.options);
  }
  const reading = model ? dailyRegimeState(model, closed) : null;
  const hmm = reading ? { state: reading.state, states: reading.states, probability: reading.probability } : null;
  return { regime: combineRegime({ trend, volatility, hmm, macro, now: opts.now }), trend, volatility, macro, hmm, model, candles: closed.length };
}
