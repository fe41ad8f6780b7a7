/**
 * The peer side of the backtest throughput benchmark: the RSI(14) mean-reversion rule of `rsi-rule.ts`
 * run through grademark 0.3.0's `backtest(strategy, inputSeries)` on a data-forge 1.10.5 DataFrame.
 *
 * - RSI: neither grademark nor data-forge ships an RSI (grademark's examples use the separate
 *   data-forge-indicators package, not installed here), so Wilder's RSI is computed with a plain loop
 *   (`wilderRsi`) and fed to grademark as an `rsi` column of the input DataFrame, as grademark's README
 *   does with its indicators.
 * - Fills: grademark fills an `enterPosition()` / `exitPosition()` call made on candle i at the open of
 *   candle i+1 (its only fill price besides stops/targets/conditional entries, none used here), and calls no
 *   rule on that fill candle (see the quirk in `rsi-rule.ts`). An open position at the end of the data is
 *   closed at the last candle's close with exitReason "finalize" (mapped to "end-of-data").
 * - Costs: grademark has no fee or slippage model ("Fees" and "Slippage" are on its "maybe coming later"
 *   list), so the peer run is gross: no fees, no slippage, one unit, no stops.
 * - Timing: `ms` is the `backtest(strategy, inputSeries)` call alone. `rsiMs` (the RSI loop) and
 *   `constructMs` (candles → grademark bars with Date times → DataFrame, baked so data-forge's lazy
 *   evaluation is paid here and not inside the backtest) are reported separately: building the DataFrame
 *   is part of using the peer.
 */
import { DataFrame, type IDataFrame } from "data-forge";
import { backtest, type IBar, type IStrategy } from "grademark";
import { RSI_RULE_DEFAULTS, type OhlcvCandle, type PeerTrade, type RsiRuleOptions } from "./rsi-rule";

export type { OhlcvCandle, PeerTrade, RsiRuleOptions } from "./rsi-rule";

/** A grademark bar plus the precomputed RSI (NaN while undefined, i.e. for the first `period` candles). */
interface RsiBar extends IBar {
  rsi: number;
}

export interface GrademarkRsiResult {
  trades: PeerTrade[];
  /** Candles fed to the backtest. */
  candles: number;
  /** Wall time of the `backtest(strategy, inputSeries)` call, ms. */
  ms: number;
  /** Wall time of candles → bars → DataFrame (baked), ms. */
  constructMs: number;
  /** Wall time of the RSI loop, ms. */
  rsiMs: number;
}

/**
 * Wilder's RSI of `closes` as defined in `rsi-rule.ts`: out[i] is the RSI on close i, NaN for i < period.
 */
export function wilderRsi(closes: readonly number[], period = RSI_RULE_DEFAULTS.period): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  if (closes.length <= period) return out;
  let g = 0;
  let l = 0;
  for (let k = 1; k <= period; k++) {
    const d = closes[k]! - closes[k - 1]!;
    if (d > 0) g += d;
    else l -= d;
  }
  g /= period;
  l /= period;
  out[period] = g + l === 0 ? 50 : (100 * g) / (g + l);
  for (let i = period + 1; i < closes.length; i++) {
    const d = closes[i]! - closes[i - 1]!;
    g = (g * (period - 1) + (d > 0 ? d : 0)) / period;
    l = (l * (period - 1) + (d < 0 ? -d : 0)) / period;
    out[i] = g + l === 0 ? 50 : (100 * g) / (g + l);
  }
  return out;
}

/** The grademark strategy for the rule: signals on the bar's close (its `rsi` column), fills are grademark's. */
export function rsiStrategy(opts: RsiRuleOptions = {}): IStrategy<RsiBar> {
  const { entryBelow, exitAbove } = { ...RSI_RULE_DEFAULTS, ...opts };
  return {
    entryRule: (enterPosition, { bar }) => {
      if (bar.rsi < entryBelow) enterPosition(); // NaN < x is false: no signal before RSI exists
    },
    exitRule: (exitPosition, { bar }) => {
      if (bar.rsi > exitAbove) exitPosition();
    },
  };
}

/** Runs the rule through grademark on `candles` (one gap-free, time-ordered segment). */
export function runGrademarkRsi(candles: readonly OhlcvCandle[], opts: RsiRuleOptions = {}): GrademarkRsiResult {
  const { period } = { ...RSI_RULE_DEFAULTS, ...opts };

  let t0 = performance.now();
  const rsi = wilderRsi(
    candles.map((c) => c.c),
    period,
  );
  const rsiMs = performance.now() - t0;

  t0 = performance.now();
  const bars: RsiBar[] = candles.map((c, i) => ({
    time: new Date(c.t),
    open: c.o,
    high: c.h,
    low: c.l,
    close: c.c,
    volume: c.v,
    rsi: rsi[i]!,
  }));
  const inputSeries: IDataFrame<number, RsiBar> = new DataFrame<number, RsiBar>(bars).bake();
  const constructMs = performance.now() - t0;

  const strategy = rsiStrategy(opts);
  t0 = performance.now();
  const raw = backtest(strategy, inputSeries);
  const ms = performance.now() - t0;

  const trades: PeerTrade[] = raw.map((tr) => ({
    entryAt: tr.entryTime.getTime(),
    exitAt: tr.exitTime.getTime(),
    entryPrice: tr.entryPrice,
    exitPrice: tr.exitPrice,
    pnlPct: tr.profitPct,
    exitReason: tr.exitReason === "finalize" ? "end-of-data" : "signal",
  }));
  return { trades, candles: candles.length, ms, constructMs, rsiMs };
}
