import { assertFinite, assertPeriod } from "./assert";
import { RingBuffer, type RingBufferState } from "./ring-buffer";
import type { StreamingIndicator } from "./streaming-indicator";

export interface RollingMoments {
  mean: number;
  /** Population standard deviation (divides by the window length). */
  std: number;
}

export interface RollingStatsState {
  ring: RingBufferState;
  shift: number;
  s1: number;
  s2: number;
  sinceRecompute: number;
  equalRun: number;
}

/**
 * Rolling mean and population std over the last `window` values, O(1) per push.
 * Running sums are kept about a shift (a recent value) to avoid cancellation at price scale, and are
 * recomputed exactly from the buffer every `window` pushes so rounding error cannot drift.
 */
export class RollingStats implements StreamingIndicator<number, RollingMoments, RollingStatsState> {
  private ring: RingBuffer;
  private shift = 0;
  private s1 = 0; // sum of (x - shift)
  private s2 = 0; // sum of (x - shift)^2
  private sinceRecompute = 0;
  // Length of the run of identical most recent values: when it covers the window the variance is
  // exactly 0, which running sums alone cannot guarantee.
  private equalRun = 0;
  // Mean and std of the values held, computed at most once between pushes (z-scores of every tick
  // read them against the same window); NaN when not computed since the last push.
  private cachedMean = Number.NaN;
  private cachedStd = Number.NaN;

  constructor(readonly window: number) {
    assertPeriod(window);
    this.ring = new RingBuffer(window);
  }

  get count(): number {
    return this.ring.count;
  }

  get isReady(): boolean {
    return this.ring.isFull;
  }

  /** Adds `x` (evicting the oldest value once full); allocation-free. */
  push(x: number): void {
    assertFinite(x, "rolling value");
    this.cachedMean = Number.NaN;
    this.cachedStd = Number.NaN;
    if (this.ring.count === 0) this.shift = x;
    this.equalRun = this.ring.count > 0 && x === this.ring.newest ? this.equalRun + 1 : 1;
    const evicted = this.ring.push(x);
    if (evicted !== undefined) {
      const e = evicted - this.shift;
      this.s1 -= e;
      this.s2 -= e * e;
    }
    const d = x - this.shift;
    this.s1 += d;
    this.s2 += d * d;
    if (++this.sinceRecompute >= this.window) this.recompute();
  }

  update(x: number): RollingMoments | null {
    this.push(x);
    return this.value;
  }

  get value(): RollingMoments | null {
    return this.isReady ? { mean: this.mean, std: this.std } : null;
  }

  get sum(): number {
    return this.allEqual() ? this.ring.newest * this.count : this.shift * this.count + this.s1;
  }

  get mean(): number {
    if (Number.isNaN(this.cachedMean)) {
      this.assertNotEmpty();
      this.cachedMean = this.allEqual() ? this.ring.newest : this.shift + this.s1 / this.count;
    }
    return this.cachedMean;
  }

  /** Population variance of the values held. */
  get variance(): number {
    this.assertNotEmpty();
    if (this.allEqual()) return 0;
    const n = this.count;
    const v = (this.s2 - (this.s1 * this.s1) / n) / n;
    return v > 0 ? v : 0;
  }

  get std(): number {
    if (Number.isNaN(this.cachedStd)) this.cachedStd = Math.sqrt(this.variance);
    return this.cachedStd;
  }

  /** Sample standard deviation (divides by count - 1); needs at least 2 values. */
  get sampleStd(): number {
    if (this.count < 2) throw new Error("sample std needs at least 2 values");
    return Math.sqrt((this.variance * this.count) / (this.count - 1));
  }

  /**
   * z-score of `x` against the values held now (call before pushing `x`); null while fewer than
   * `minCount` values are held or the std is 0.
   */
  zscore(x: number, minCount = this.window): number | null {
    if (this.count < minCount || this.count === 0) return null;
    const std = this.std;
    return std > 0 ? (x - this.mean) / std : null;
  }

  toJSON(): RollingStatsState {
    const { shift, s1, s2, sinceRecompute, equalRun } = this;
    return { ring: this.ring.toJSON(), shift, s1, s2, sinceRecompute, equalRun };
  }

  static fromJSON(state: RollingStatsState): RollingStats {
    const stats = new RollingStats(state.ring.capacity);
    stats.ring = RingBuffer.fromJSON(state.ring);
    assertFinite(state.shift, "rolling shift");
    assertFinite(state.s1, "rolling sum");
    assertFinite(state.s2, "rolling sum of squares");
    const { sinceRecompute, equalRun } = state;
    if (!Number.isInteger(sinceRecompute) || sinceRecompute < 0 || sinceRecompute >= stats.window) {
      throw new Error(`rolling state: sinceRecompute ${sinceRecompute} out of range`);
    }
    if (!Number.isInteger(equalRun) || equalRun < (stats.ring.count > 0 ? 1 : 0)) throw new Error(`rolling state: equalRun ${equalRun} out of range`);
    stats.shift = state.shift;
    stats.s1 = state.s1;
    stats.s2 = state.s2;
    stats.sinceRecompute = sinceRecompute;
    stats.equalRun = equalRun;
    return stats;
  }

  private allEqual(): boolean {
    return this.equalRun >= this.ring.count;
  }

  private assertNotEmpty(): void {
    if (this.ring.count === 0) throw new Error("rolling window is empty");
  }

  private recompute(): void {
    this.shift = this.ring.newest;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < this.ring.count; i++) {
      const d = this.ring.at(i) - this.shift;
      s1 += d;
      s2 += d * d;
    }
    this.s1 = s1;
    this.s2 = s2;
    this.sinceRecompute = 0;
  }
}

/**
 * The index to feed values from so that a `RollingStats(window)` ends in the state it reaches when fed all `pushes`
 * values: its sums are recomputed from the window every `window` pushes, so only the window before the last
 * recomputation and the pushes after it count (fewer than `2 × window` values). 0 before the first recomputation.
 * The last-value forms of the indicators built on it (`lastBollinger`, `lastEfficiencyRatio`) start there.
 */
export function rollingReplayStart(pushes: number, window: number): number {
  return pushes >= window ? window * Math.floor(pushes / window) - window : 0;
}

/** Batch rolling mean/std: entry i covers values[i-window+1..i], null before the window fills. */
export function rollingStats(values: readonly number[], window: number): (RollingMoments | null)[] {
  const indicator = new RollingStats(window);
  const out = new Array<RollingMoments | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = indicator.update(values[i]!);
  return out;
}

/** Batch z-score of values[i] against values[i-window..i-1] (the window before it); null while unavailable. */
export function rollingZscore(values: readonly number[], window: number): (number | null)[] {
  const stats = new RollingStats(window);
  return values.map((x) => {
    const z = stats.zscore(x);
    stats.push(x);
    return z;
  });
}
