export * from "./hmm/index";
export { classifyTrend, type TrendClassification, type TrendRegime } from "./trend";
export { DEFAULT_TREND_REGIME_PARAMS, trendRegime, type TrendRegimeParams, type TrendRegimeResult } from "./trend-regime";
export { DEFAULT_VOLATILITY_REGIME_PARAMS, volatilityRegime, type VolatilityRegimeParams, type VolatilityRegimeResult } from "./volatility-regime";
export {
  DEFAULT_MACRO_REGIME_PARAMS,
  MACRO_MULTIPLIERS,
  macroRegime,
  type MacroPoint,
  type MacroRegimeParams,
  type MacroRegimeResult,
  type MacroSeries,
} from "./macro-regime";
export { combineRegime, type CombineRegimeInput } from "./combined-regime";
export { applyScaling, dailyRegimeFeatures, featureScaling, type DailyFeatures } from "./daily-features";
export { fitDailyRegimeModel, MIN_DAILY_OBSERVATIONS, type DailyRegimeModel, type DailyRegimeModelOptions } from "./daily-model";
export { dailyRegimeState, type DailyRegimeReading } from "./daily-state";
export { detectRegime, type DetectedRegime, type DetectRegimeOptions } from "./detect-regime";
export type { CombinedRegime, HmmReading, MacroQuadrant, TrendState, VolatilityState } from "./types";
