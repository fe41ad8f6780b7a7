import { assertFinite, assertFiniteOrNull, assertPeriod } from "./assert";
import { nullIfUnset, unsetIfNull, type StreamingIndicator } from "./streaming-indicator";

export interface EmaState {
  period: number;
  count: number;
  seedSum: number;
  value: number | null;
}

/**
 * Exponential moving average, α = 2/(period+1), seeded with the SMA of the first `period` values
 * (first value at the period-th input), then ema += α·(x − ema).
 */
export class Ema implements StreamingIndicator<number, number, EmaState> {
  private count = 0;
  private seedSum = 0;
  private current = Number.NaN; // NaN until seeded (see `nullIfUnset`)
  private readonly alpha: number;

  constructor(readonly period: number) {
    assertPeriod(period);
    this.alpha = 2 / (period + 1);
  }

  update(x: number): number | null {
    assertFinite(x, "EMA input");
    if (this.isReady) {
      this.current += this.alpha * (x - this.current);
    } else {
      this.seedSum += x;
      if (++this.count === this.period) this.current = this.seedSum / this.period;
    }
    return this.value;
  }

  get value(): number | null {
    return nullIfUnset(this.current);
  }

  get isReady(): boolean {
    return !Number.isNaN(this.current);
  }

  toJSON(): EmaState {
    return { period: this.period, count: this.count, seedSum: this.seedSum, value: this.value };
  }

  static fromJSON(state: EmaState): Ema {
    assertFinite(state.seedSum, "EMA seed sum");
    assertFiniteOrNull(state.value, "EMA value");
    const ema = new Ema(state.period);
    ema.count = state.count;
    ema.seedSum = state.seedSum;
    ema.current = unsetIfNull(state.value);
    return ema;
  }
}

export function ema(values: readonly number[], period: number): (number | null)[] {
  const indicator = new Ema(period);
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = indicator.update(values[i]!);
  return out;
}

/** The EMA after the last value (`ema(values, period).at(-1) ?? null`) without the array. */
export function lastEma(values: readonly number[], period: number): number | null {
  const indicator = new Ema(period);
  for (let i = 0; i < values.length; i++) indicator.update(values[i]!);
  return indicator.value;
}
