import { assertFinite, assertFiniteOrNull } from "./assert";
import { RollingStats, rollingReplayStart, type RollingStatsState } from "./rolling-stats";
import { nullIfUnset, unsetIfNull, type StreamingIndicator } from "./streaming-indicator";

export interface BollingerBands {
  middle: number;
  upper: number;
  lower: number;
  /** Population standard deviation of the window. */
  std: number;
  /** %B = (close − lower)/(upper − lower): 0 at the lower band, 1 at the upper; 0.5 when the bands touch. */
  percentB: number;
}

export interface BollingerState {
  k: number;
  stats: RollingStatsState;
  lastClose: number | null;
}

/**
 * Bollinger bands: SMA(period) ± k·(population std over the same window); defaults 20 and 2. `push`
 * feeds a close without building the bands (they are computed when read), `update` feeds and reads.
 */
export class Bollinger implements StreamingIndicator<number, BollingerBands, BollingerState> {
  private stats: RollingStats;
  private lastClose = Number.NaN; // NaN before the first close (see `nullIfUnset`)

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    assertFinite(k, "Bollinger k");
    this.stats = new RollingStats(period);
  }

  push(close: number): void {
    this.stats.push(close);
    this.lastClose = close;
  }

  update(close: number): BollingerBands | null {
    this.push(close);
    return this.compute();
  }

  get value(): BollingerBands | null {
    return this.compute();
  }

  get isReady(): boolean {
    return this.stats.isReady && !Number.isNaN(this.lastClose);
  }

  toJSON(): BollingerState {
    return { k: this.k, stats: this.stats.toJSON(), lastClose: nullIfUnset(this.lastClose) };
  }

  static fromJSON(state: BollingerState): Bollinger {
    assertFiniteOrNull(state.lastClose, "Bollinger last close");
    const bands = new Bollinger(state.stats.ring.capacity, state.k);
    bands.stats = RollingStats.fromJSON(state.stats);
    bands.lastClose = unsetIfNull(state.lastClose);
    return bands;
  }

  private compute(): BollingerBands | null {
    if (!this.isReady) return null;
    const middle = this.stats.mean;
    const std = this.stats.std;
    const upper = middle + this.k * std;
    const lower = middle - this.k * std;
    const percentB = upper > lower ? (this.lastClose - lower) / (upper - lower) : 0.5;
    return { middle, upper, lower, std, percentB };
  }
}

export function bollinger(closes: readonly number[], period = 20, k = 2): (BollingerBands | null)[] {
  const indicator = new Bollinger(period, k);
  const out = new Array<BollingerBands | null>(closes.length);
  for (let i = 0; i < closes.length; i++) out[i] = indicator.update(closes[i]!);
  return out;
}

/**
 * The bands after the last close (`bollinger(closes).at(-1) ?? null`), computed once: the closes before
 * `rollingReplayStart` are checked but not fed (they leave no trace in the window's state).
 */
export function lastBollinger(closes: readonly number[], period = 20, k = 2): BollingerBands | null {
  const bands = new Bollinger(period, k);
  const start = rollingReplayStart(closes.length, period);
  for (let i = 0; i < start; i++) assertFinite(closes[i]!, "rolling value");
  for (let i = start; i < closes.length; i++) bands.push(closes[i]!);
  return bands.value;
}
