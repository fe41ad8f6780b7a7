/**
 * Dead-simple reference for the rule of `rsi-rule.ts`: one plain loop, no library, its own RSI arithmetic
 * (it shares nothing with `grademark-rsi.ts` but the types), used to check the peer's trades.
 *
 * `evaluateOnFillBar: true` runs the plain reading instead of grademark's: the rule is also checked on the
 * close of the candle on which a fill happened (see the quirk in `rsi-rule.ts`). Default false (= grademark).
 */
import { RSI_RULE_DEFAULTS, type OhlcvCandle, type PeerTrade, type RsiRuleOptions } from "./rsi-rule";

export interface ReferenceOptions extends RsiRuleOptions {
  evaluateOnFillBar?: boolean;
}

export function referenceRsiTrades(candles: readonly OhlcvCandle[], opts: ReferenceOptions = {}): PeerTrade[] {
  const { period: p, entryBelow, exitAbove } = { ...RSI_RULE_DEFAULTS, ...opts };
  const evaluateOnFillBar = opts.evaluateOnFillBar ?? false;
  const trades: PeerTrade[] = [];

  let sumGain = 0; // seed sums over the first p changes
  let sumLoss = 0;
  let avgGain = 0;
  let avgLoss = 0;

  let state: "flat" | "pendingEntry" | "long" | "pendingExit" = "flat";
  let entryAt = 0;
  let entryPrice = 0;

  for (let i = 0; i < candles.length; i++) {
    const bar = candles[i]!;

    // RSI on this candle's close (undefined for i < p).
    let rsi: number | undefined;
    if (i >= 1) {
      const change = bar.c - candles[i - 1]!.c;
      const gain = change > 0 ? change : 0;
      const loss = change < 0 ? -change : 0;
      if (i <= p) {
        sumGain += gain;
        sumLoss += loss;
        if (i === p) {
          avgGain = sumGain / p;
          avgLoss = sumLoss / p;
        }
      } else {
        avgGain = (avgGain * (p - 1) + gain) / p;
        avgLoss = (avgLoss * (p - 1) + loss) / p;
      }
      if (i >= p) rsi = avgGain + avgLoss === 0 ? 50 : (100 * avgGain) / (avgGain + avgLoss);
    }

    // Fills at this candle's open for a signal raised on the previous close.
    let filled = false;
    if (state === "pendingEntry") {
      state = "long";
      entryAt = bar.t;
      entryPrice = bar.o;
      filled = true;
    } else if (state === "pendingExit") {
      trades.push({ entryAt, exitAt: bar.t, entryPrice, exitPrice: bar.o, pnlPct: ((bar.o - entryPrice) / entryPrice) * 100, exitReason: "signal" });
      state = "flat";
      filled = true;
    }

    // Signals on this candle's close.
    if (rsi === undefined || (filled && !evaluateOnFillBar)) continue;
    if (state === "flat" && rsi < entryBelow) state = "pendingEntry";
    else if (state === "long" && rsi > exitAbove) state = "pendingExit";
  }

  if (state === "long" || state === "pendingExit") {
    const last = candles[candles.length - 1]!;
    trades.push({ entryAt, exitAt: last.t, entryPrice, exitPrice: last.c, pnlPct: ((last.c - entryPrice) / entryPrice) * 100, exitReason: "end-of-data" });
  }
  return trades;
}
