import { assertFinite, assertFiniteOrNull, assertPeriod } from "./assert";
import { nullIfUnset, unsetIfNull, type StreamingIndicator } from "./streaming-indicator";

/** The part of a candle ATR reads. */
export interface HighLowClose {
  h: number;
  l: number;
  c: number;
}

export interface AtrState {
  period: number;
  prevClose: number | null;
  ranges: number;
  rangeSum: number;
  atr: number | null;
}

/**
 * Wilder's average true range. True range = max(h − l, |h − prev close|, |l − prev close|), so the
 * first candle (no previous close) yields none; ATR is seeded as the mean of the first `period` true
 * ranges (first value at the (period+1)-th candle), then atr = (atr·(period−1) + tr)/period.
 */
export class Atr implements StreamingIndicator<HighLowClose, number, AtrState> {
  // NaN = not yet (see `nullIfUnset`).
  private prevClose = Number.NaN;
  private ranges = 0;
  private rangeSum = 0;
  private atr = Number.NaN;

  constructor(readonly period = 14) {
    assertPeriod(period);
  }

  update(candle: HighLowClose): number | null {
    const { h, l, c } = candle;
    assertFinite(h, "ATR high");
    assertFinite(l, "ATR low");
    assertFinite(c, "ATR close");
    const prev = this.prevClose;
    this.prevClose = c;
    if (Number.isNaN(prev)) return null;
    const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
    if (this.isReady) {
      this.atr = (this.atr * (this.period - 1) + tr) / this.period;
    } else {
      this.rangeSum += tr;
      if (++this.ranges === this.period) this.atr = this.rangeSum / this.period;
    }
    return this.value;
  }

  get value(): number | null {
    return nullIfUnset(this.atr);
  }

  get isReady(): boolean {
    return !Number.isNaN(this.atr);
  }

  /** ATR% = 100 · ATR / last close; null while not ready. */
  get percent(): number | null {
    return this.isReady && !Number.isNaN(this.prevClose) ? (100 * this.atr) / this.prevClose : null;
  }

  toJSON(): AtrState {
    const { period, ranges, rangeSum } = this;
    return { period, prevClose: nullIfUnset(this.prevClose), ranges, rangeSum, atr: nullIfUnset(this.atr) };
  }

  static fromJSON(state: AtrState): Atr {
    assertFiniteOrNull(state.prevClose, "ATR previous close");
    assertFiniteOrNull(state.atr, "ATR value");
    assertFinite(state.rangeSum, "ATR range sum");
    const atr = new Atr(state.period);
    atr.prevClose = unsetIfNull(state.prevClose);
    atr.ranges = state.ranges;
    atr.rangeSum = state.rangeSum;
    atr.atr = unsetIfNull(state.atr);
    return atr;
  }
}

export function atr(candles: readonly HighLowClose[], period = 14): (number | null)[] {
  const indicator = new Atr(period);
  const out = new Array<number | null>(candles.length);
  for (let i = 0; i < candles.length; i++) out[i] = indicator.update(candles[i]!);
  return out;
}

/** Batch ATR%: 100 · ATR / close of the same candle. */
export function atrPercent(candles: readonly HighLowClose[], period = 14): (number | null)[] {
  const indicator = new Atr(period);
  return candles.map((c) => (indicator.update(c) === null ? null : indicator.percent));
}

/** ATR% after the last candle (`atrPercent(candles).at(-1) ?? null`) without the array. */
export function lastAtrPercent(candles: readonly HighLowClose[], period = 14): number | null {
  const indicator = new Atr(period);
  for (let i = 0; i < candles.length; i++) indicator.update(candles[i]!);
  return indicator.percent;
}
