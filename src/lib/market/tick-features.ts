import type { Candle } from "./candle";
import { assertFinite, assertPeriod, assertPositive } from "./indicators/assert";
import { RollingStats, type RollingStatsState } from "./indicators/rolling-stats";
import { nullIfUnset, unsetIfNull } from "./indicators/streaming-indicator";

/** Features of one price update. */
export interface TickFeatures {
  price: number;
  at: number;
  /** ln(price / last closed 1m close); 0 before any minute closed. */
  ret1m: number;
  /** z-score of ret1m against the past closed 1m returns; 0 while too few or zero spread. */
  zRet: number;
  /** z-score of the minute's cumulative volume so far against past 1m volumes; 0 likewise. */
  zVol: number;
}

export interface TickFeatureState {
  minCount: number;
  /** Absent in state saved before it existed: one minute. */
  periodMs?: number;
  /** Open time of the last closed minute pushed. */
  lastMinute: number | null;
  prevClose: number | null;
  returns: RollingStatsState;
  volumes: RollingStatsState;
}

const MINUTE_MS = 60_000;

/** A tick's inputs, checked as `tick` checks them (a scorer that scores later checks them when they arrive). */
export function checkTick(price: number, minuteVolume: number, at: number): void {
  assertPositive(price, "tick price");
  if (!(minuteVolume >= 0 && Number.isFinite(minuteVolume))) throw new Error(`tick volume must be finite and >= 0, got ${minuteVolume}`);
  assertFinite(at, "tick time");
}

/**
 * Per-symbol tick features for the hot path: O(1) and array-free per tick. Closed 1m candles feed
 * rolling windows (default 60) of 1m log returns and 1m volumes; every tick is scored against them.
 */
export class TickFeatureTracker {
  // NaN until the first minute closes (see `nullIfUnset`).
  private lastMinute = Number.NaN;
  private prevClose = Number.NaN;
  private returns: RollingStats;
  private volumes: RollingStats;

  constructor(
    readonly window = 60,
    readonly minCount = 20,
    /** Length of the candles fed to closeMinute: 1m live, the base timeframe in a backtest. */
    readonly periodMs = MINUTE_MS,
  ) {
    assertPeriod(window);
    assertPeriod(minCount, 2);
    if (minCount > window) throw new Error(`minCount ${minCount} exceeds the window ${window}`);
    this.returns = new RollingStats(window);
    this.volumes = new RollingStats(window);
  }

  /** Scores a tick of the forming minute (price, cumulative minute volume so far); changes nothing. */
  tick(price: number, minuteVolume: number, at: number): TickFeatures {
    return this.tickInto({ price, at, ret1m: 0, zRet: 0, zVol: 0 }, price, minuteVolume, at);
  }

  /** `tick`, written into `out` (allocation-free: the backtester's per-price path reuses one object per symbol). */
  tickInto(out: TickFeatures, price: number, minuteVolume: number, at: number): TickFeatures {
    checkTick(price, minuteVolume, at);
    const ret1m = Number.isNaN(this.prevClose) ? 0 : Math.log(price / this.prevClose);
    out.price = price;
    out.at = at;
    out.ret1m = ret1m;
    out.zRet = this.z(this.returns, ret1m);
    out.zVol = this.z(this.volumes, minuteVolume);
    return out;
  }

  /**
   * Scores the closing update of a 1m candle, then pushes its return and volume into the windows.
   * A minute at or before the last one pushed is scored but not pushed again. After a gap the
   * return spans several minutes, so only the volume is pushed.
   */
  closeMinute(minute: Candle, at: number): TickFeatures {
    return this.closeMinuteInto({ price: 0, at, ret1m: 0, zRet: 0, zVol: 0 }, minute, at);
  }

  /** `closeMinute`, its features written into `out`. */
  closeMinuteInto(out: TickFeatures, minute: Candle, at: number): TickFeatures {
    const features = this.tickInto(out, minute.c, minute.v, at);
    if (!Number.isNaN(this.lastMinute) && minute.t <= this.lastMinute) return features;
    if (!Number.isNaN(this.prevClose) && this.lastMinute === minute.t - this.periodMs) this.returns.push(features.ret1m);
    this.volumes.push(minute.v);
    this.prevClose = minute.c;
    this.lastMinute = minute.t;
    return features;
  }

  toJSON(): TickFeatureState {
    return {
      minCount: this.minCount,
      periodMs: this.periodMs,
      lastMinute: nullIfUnset(this.lastMinute),
      prevClose: nullIfUnset(this.prevClose),
      returns: this.returns.toJSON(),
      volumes: this.volumes.toJSON(),
    };
  }

  static fromJSON(state: TickFeatureState): TickFeatureTracker {
    if (state.returns.ring.capacity !== state.volumes.ring.capacity) throw new Error("tick feature state: windows differ in length");
    const tracker = new TickFeatureTracker(state.returns.ring.capacity, state.minCount, state.periodMs ?? MINUTE_MS);
    if (state.prevClose !== null) assertPositive(state.prevClose, "tick feature previous close");
    tracker.lastMinute = unsetIfNull(state.lastMinute);
    tracker.prevClose = unsetIfNull(state.prevClose);
    tracker.returns = RollingStats.fromJSON(state.returns);
    tracker.volumes = RollingStats.fromJSON(state.volumes);
    return tracker;
  }

  private z(stats: RollingStats, x: number): number {
    return stats.zscore(x, this.minCount) ?? 0;
  }
}

/**
 * One symbol's latest price as a gate tick event whose z-scores are computed when first read: most ticks meet no
 * wake condition on a z-score and open no decision, so most are never scored. A close is scored at once (the tracker
 * then takes the candle in, and the close must be scored against the windows before it). The values read are those
 * `tick` and `closeMinute` give; the price's inputs are checked when they arrive.
 */
export class LazyTick {
  readonly kind = "tick";
  price = 0;
  private minuteVolume = 0;
  private at = 0;
  // Before any price the features are zeros, as a snapshot reads them then.
  private scored = true;
  private readonly features: TickFeatures = { price: 0, at: 0, ret1m: 0, zRet: 0, zVol: 0 };

  constructor(
    readonly symbol: string,
    private readonly tracker: TickFeatureTracker,
  ) {}

  /** A price of the forming candle (with the candle's volume so far). */
  tick(price: number, minuteVolume: number, at: number): void {
    checkTick(price, minuteVolume, at);
    this.price = price;
    this.minuteVolume = minuteVolume;
    this.at = at;
    this.scored = false;
  }

  /** The candle's close: scored, then taken in by the tracker. */
  close(candle: Candle, at: number): void {
    this.tracker.closeMinuteInto(this.features, candle, at);
    this.price = candle.c;
    this.minuteVolume = candle.v;
    this.at = at;
    this.scored = true;
  }

  get zRet(): number {
    if (!this.scored) this.score();
    return this.features.zRet;
  }

  get zVol(): number {
    if (!this.scored) this.score();
    return this.features.zVol;
  }

  private score(): void {
    this.tracker.tickInto(this.features, this.price, this.minuteVolume, this.at);
    this.scored = true;
  }
}
