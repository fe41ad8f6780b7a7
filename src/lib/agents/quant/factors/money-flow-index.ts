import type { Candle } from "../../../market/candle";

/**
 * Money flow index over `period` changes: typical price tp = (h + l + c)/3 and raw flow tp·v; a flow
 * counts as positive when tp rose from the previous candle, negative when it fell (unchanged: neither).
 * MFI = 100 − 100/(1 + Σpositive/Σnegative), 100 when there was no negative flow. Null for the first
 * `period` candles.
 */
export function moneyFlowIndex(candles: readonly Candle[], period = 14): (number | null)[] {
  const tp = candles.map((c) => (c.h + c.l + c.c) / 3);
  const pos: number[] = new Array<number>(candles.length).fill(0);
  const neg: number[] = new Array<number>(candles.length).fill(0);
  for (let i = 1; i < candles.length; i++) {
    const flow = tp[i]! * candles[i]!.v;
    if (tp[i]! > tp[i - 1]!) pos[i] = flow;
    else if (tp[i]! < tp[i - 1]!) neg[i] = flow;
  }
  return candles.map((_, i) => {
    if (i < period) return null;
    let p = 0;
    let n = 0;
    for (let j = i - period + 1; j <= i; j++) {
      p += pos[j]!;
      n += neg[j]!;
    }
    return n === 0 ? 100 : 100 - 100 / (1 + p / n);
  });
}
