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
    assertPositive(price, "tick price");
    if (!(minuteVolume >= 0 && Number.isFinite(minuteVolume))) throw new Error(`tick volume must be finite and >= 0, got ${minuteVolume}`);
    assertFinite(at, "tick time");
    const ret1m = Number.isNaN(this.prevClose) ? 0 : Math.log(price / this.prevClose);
    return { price, at, ret1m, zRet: this.z(this.returns, ret1m), zVol: this.z(this.volumes, minuteVolume) };
  }

  /**
   * Scores the closing update of a 1m candle, then pushes its return and volume into the windows.
   * A minute at or before the last one pushed is scored but not pushed again. After a gap the
   * return spans several minutes, so only the volume is pushed.
   */
  closeMinute(minute: Candle, at: number): TickFeatures {
    const features = this.tick(minute.c, minute.v, at);
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
