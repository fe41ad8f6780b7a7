/**
 * The benchmark strategy, shared by the peer run (grademark, `grademark-rsi.ts`), the plain-loop reference
 * (`rsi-reference.ts`) and the engine side of the benchmark, which runs the identical rule.
 *
 * ## Rule: long-only RSI(14) mean reversion on candle closes
 *
 * Indicator. RSI_i is Wilder's RSI(14) of the closes up to and including candle i:
 *   - d_k = c_k − c_{k−1} (k ≥ 1); gain_k = max(d_k, 0), loss_k = max(−d_k, 0).
 *   - Seed at i = 14: G = (gain_1 + … + gain_14) / 14, L = (loss_1 + … + loss_14) / 14 (summed left to right).
 *   - For i > 14: G = (G·13 + gain_i) / 14, L = (L·13 + loss_i) / 14.
 *   - RSI_i = 100 · G / (G + L)  (= 100 − 100 / (1 + G/L)); 50 when G = L = 0 (a flat window).
 *   - RSI_i is undefined for i < 14; a candle without RSI never signals.
 *   The RSI runs over the candle array as given: it does not know about time gaps, so a caller with a gap
 *   in its data (the two shipped 1m weeks) runs each gap-free segment separately.
 *
 * Trading, a four-state machine stepped once per candle i = 0 … n−1 (this is exactly grademark 0.3.0's
 * `backtest` loop, see the quirk below):
 *   - FLAT:          if RSI_i < 25 → PENDING_ENTRY (signal on candle i's close).
 *   - PENDING_ENTRY: buy at o_i (the open of the candle after the signal) → LONG. No rule is evaluated on
 *                    this candle's close.
 *   - LONG:          if RSI_i > 50 → PENDING_EXIT.
 *   - PENDING_EXIT:  sell at o_i → FLAT (a trade is recorded, exit reason "signal"). No rule is evaluated on
 *                    this candle's close.
 *   - End of data: a position still LONG or PENDING_EXIT is closed at the last candle's close (exit reason
 *     "end-of-data", time = last candle's open time); a PENDING_ENTRY on the last candle is dropped.
 *   One unit, long only, no fees, no slippage, no stops, no profit target.
 *
 * Quirk this follows (grademark's): the candle on which a fill happens is a dead candle: grademark calls
 * neither the entry nor the exit rule on it, so after buying at o_{i+1} the first exit check is on the close
 * of candle i+2 (and after selling at o_{j+1} the first entry check is on the close of candle j+2). The plain
 * "when long and RSI > 50, exit at the next open" reading would also check the fill candle's close; the
 * reference can run that reading too (`evaluateOnFillBar: true`) to show how much it changes.
 */
import type { Candle } from "../../src/lib/market/candle";

/** One round trip. Times are candle open times in epoch ms; pnlPct = (exit − entry) / entry · 100. */
export interface PeerTrade {
  entryAt: number;
  exitAt: number;
  entryPrice: number;
  exitPrice: number;
  pnlPct: number;
  /** "signal": sold at an open after an RSI exit signal; "end-of-data": closed at the last candle's close. */
  exitReason: "signal" | "end-of-data";
}

/** The candle shape of the shipped data. */
export type OhlcvCandle = Candle;

export interface RsiRuleOptions {
  /** RSI period (default 14). */
  period?: number;
  /** Enter when flat and RSI is strictly below this (default 25). */
  entryBelow?: number;
  /** Exit when long and RSI is strictly above this (default 50). */
  exitAbove?: number;
}

export const RSI_RULE_DEFAULTS: Required<RsiRuleOptions> = { period: 14, entryBelow: 25, exitAbove: 50 };
