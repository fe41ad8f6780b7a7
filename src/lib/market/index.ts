export { assertValidCandle, type Candle, type ClosedCandle } from "./candle";
export { bucketStart, isTimeframe, TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from "./timeframe";
export { aggregateCandles, mergeCandle } from "./aggregate";
export {
  AGGREGATE_TIMEFRAMES,
  applyMinute,
  emptyAggregatorState,
  formingCandle,
  seedFromHistory,
  type AggregateTimeframe,
  type AggregatorState,
  type ClosedBucket,
  type FormingBucket,
  type MinuteResult,
  type SeedResult,
} from "./candle-aggregator";
export { TickFeatureTracker, type TickFeatures, type TickFeatureState } from "./tick-features";
export type { StreamingIndicator } from "./indicators/streaming-indicator";
export type { RingBufferState } from "./indicators/ring-buffer";
export { RollingStats, rollingStats, rollingZscore, type RollingMoments, type RollingStatsState } from "./indicators/rolling-stats";
export { Sma, sma } from "./indicators/sma";
export { Ema, ema, type EmaState } from "./indicators/ema";
export { Rsi, rsi, type RsiState } from "./indicators/rsi";
export { Bollinger, bollinger, type BollingerBands, type BollingerState } from "./indicators/bollinger";
export { Atr, atr, atrPercent, type AtrState, type HighLowClose } from "./indicators/atr";
export { Momentum, momentum } from "./indicators/momentum";
export { EfficiencyRatio, efficiencyRatio, type EfficiencyRatioState } from "./indicators/efficiency-ratio";
export { RealizedVolatility, realizedVolatility, type RealizedVolatilityState } from "./indicators/realized-volatility";
