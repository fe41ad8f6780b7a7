import { assertFinite, assertFiniteOrNull, assertPeriod } from "./assert";
import { nullIfUnset, unsetIfNull, type StreamingIndicator } from "./streaming-indicator";

export interface RsiState {
  period: number;
  prevClose: number | null;
  changes: number;
  gainSum: number;
  lossSum: number;
  avgGain: number | null;
  avgLoss: number | null;
}

/**
 * Wilder's RSI: average gain/loss seeded as the plain mean of the first `period` close-to-close
 * changes (so the first value needs period+1 closes), then avg = (avg·(period−1) + new)/period.
 * RSI = 100 − 100/(1 + avgGain/avgLoss), and 100 when avgLoss is 0 (including a flat series).
 */
export class Rsi implements StreamingIndicator<number, number, RsiState> {
  // NaN = not yet (see `nullIfUnset`); the averages are set together.
  private prevClose = Number.NaN;
  private changes = 0;
  private gainSum = 0;
  private lossSum = 0;
  private avgGain = Number.NaN;
  private avgLoss = Number.NaN;

  constructor(readonly period = 14) {
    assertPeriod(period);
  }

  update(close: number): number | null {
    assertFinite(close, "RSI close");
    const prev = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(prev)) return null;
    const change = close - prev;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    if (this.isReady) {
      this.avgGain = (this.avgGain * (this.period - 1) + gain) / this.period;
      this.avgLoss = (this.avgLoss * (this.period - 1) + loss) / this.period;
    } else {
      this.gainSum += gain;
      this.lossSum += loss;
      if (++this.changes === this.period) {
        this.avgGain = this.gainSum / this.period;
        this.avgLoss = this.lossSum / this.period;
      }
    }
    return this.value;
  }

  get value(): number | null {
    if (!this.isReady) return null;
    if (this.avgLoss === 0) return 100;
    return 100 - 100 / (1 + this.avgGain / this.avgLoss);
  }

  get isReady(): boolean {
    return !Number.isNaN(this.avgGain);
  }

  toJSON(): RsiState {
    const { period, changes, gainSum, lossSum } = this;
    return { period, prevClose: nullIfUnset(this.prevClose), changes, gainSum, lossSum, avgGain: nullIfUnset(this.avgGain), avgLoss: nullIfUnset(this.avgLoss) };
  }

  static fromJSON(state: RsiState): Rsi {
    assertFiniteOrNull(state.prevClose, "RSI previous close");
    assertFiniteOrNull(state.avgGain, "RSI average gain");
    assertFiniteOrNull(state.avgLoss, "RSI average loss");
    if ((state.avgGain === null) !== (state.avgLoss === null)) throw new Error("RSI state: averages must both be set or both null");
    const rsi = new Rsi(state.period);
    rsi.prevClose = unsetIfNull(state.prevClose);
    rsi.changes = state.changes;
    rsi.gainSum = state.gainSum;
    rsi.lossSum = state.lossSum;
    rsi.avgGain = unsetIfNull(state.avgGain);
    rsi.avgLoss = unsetIfNull(state.avgLoss);
    return rsi;
  }
}

/** Batch RSI: entry i is the RSI after closes[0..i]. Each batch form runs its own loop, so the update call stays monomorphic. */
export function rsi(closes: readonly number[], period = 14): (number | null)[] {
  const indicator = new Rsi(period);
  const out = new Array<number | null>(closes.length);
  for (let i = 0; i < closes.length; i++) out[i] = indicator.update(closes[i]!);
  return out;
}

/** The RSI after the last close (`rsi(closes).at(-1) ?? null`) without the array. */
export function lastRsi(closes: readonly number[], period = 14): number | null {
  const indicator = new Rsi(period);
  for (let i = 0; i < closes.length; i++) indicator.update(closes[i]!);
  return indicator.value;
}
