/**
 * The quant ranker's factors, per asset per day, from daily OHLCV candles closed by that day. The
 * seed's v8 model has 13; these are the ones daily crypto candles support:
 *
 * | name            | factor                                                                  |
 * |-----------------|-------------------------------------------------------------------------|
 * | mom5/21/63      | close / close 5, 21, 63 days ago − 1                                    |
 * | rsi14           | Wilder RSI(14)                                                          |
 * | mfi14           | money flow index (14)                                                   |
 * | obvSlope20      | OLS slope of on-balance volume over 20 days / mean volume               |
 * | gkVol20         | Garman–Klass volatility, 20 days                                        |
 * | realizedVol20   | sample std of 20 daily log returns                                      |
 * | atrPct14        | Wilder ATR(14) as % of close                                            |
 * | efficiency20    | Kaufman efficiency ratio over 20 days                                   |
 * | volumeRatio5_20 | mean volume 5 days / mean volume 20 days                                |
 * | bbWidth20       | Bollinger(20, 2) width (upper − lower)/middle                           |
 * | distHigh252     | close / 252-day high − 1 (the "52-week high" factor)                    |
 * | amihud20        | ln Amihud illiquidity, mean |return| per USDT volume over 20 days        |
 *
 * Left out of the seed's list: sector momentum (no sectors among three coins; the cross-sectional
 * z-score of mom21 already measures each coin against the others) and ADX (trend strength is covered
 * by efficiency20 and the momentum factors). The longest look-back, 252 days, sets the warm-up.
 */
export const FEATURE_NAMES = [
  "mom5",
  "mom21",
  "mom63",
  "rsi14",
  "mfi14",
  "obvSlope20",
  "gkVol20",
  "realizedVol20",
  "atrPct14",
  "efficiency20",
  "volumeRatio5_20",
  "bbWidth20",
  "distHigh252",
  "amihud20",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Candles a feature vector needs: the 252-day high. */
export const FEATURE_WARMUP = 252;
