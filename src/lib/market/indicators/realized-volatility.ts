import { assertFiniteOrNull, assertPeriod, assertPositive } from "./assert";
import { RollingStats, type RollingStatsState } from "./rolling-stats";
import { nullIfUnset, unsetIfNull, type StreamingIndicator } from "./streaming-indicator";

export interface RealizedVolatilityState {
  periodsPerYear: number | null;
  prevClose: number | null;
  returns: RollingStatsState;
}

/**
 * Realized volatility: sample standard deviation (n − 1) of the last `period` log returns
 * ln(c_t / c_t−1), so the first value needs period+1 closes; multiplied by √periodsPerYear when
 * an annualisation factor is given (e.g. 365 for daily crypto candles, 2190 for 4h).
 */
export class RealizedVolatility implements StreamingIndicator<number, number, RealizedVolatilityState> {
  private prevClose = Number.NaN; // NaN before the first close (see `nullIfUnset`)
  private returns: RollingStats;
  private readonly scale: number;

  constructor(
    readonly period: number,
    readonly periodsPerYear: number | null = null,
  ) {
    assertPeriod(period, 2);
    if (periodsPerYear !== null) assertPositive(periodsPerYear, "periods per year");
    this.scale = periodsPerYear === null ? 1 : Math.sqrt(periodsPerYear);
    this.returns = new RollingStats(period);
  }

  update(close: number): number | null {
    assertPositive(close, "realized volatility close");
    if (!Number.isNaN(this.prevClose)) this.returns.push(Math.log(close / this.prevClose));
    this.prevClose = close;
    return this.value;
  }

  get value(): number | null {
    return this.returns.isReady ? this.returns.sampleStd * this.scale : null;
  }

  get isReady(): boolean {
    return this.returns.isReady;
  }

  toJSON(): RealizedVolatilityState {
    return { periodsPerYear: this.periodsPerYear, prevClose: nullIfUnset(this.prevClose), returns: this.returns.toJSON() };
  }

  static fromJSON(state: RealizedVolatilityState): RealizedVolatility {
    assertFiniteOrNull(state.prevClose, "realized volatility previous close");
    const rv = new RealizedVolatility(state.returns.ring.capacity, state.periodsPerYear);
    rv.prevClose = unsetIfNull(state.prevClose);
    rv.returns = RollingStats.fromJSON(state.returns);
    return rv;
  }
}

export function realizedVolatility(closes: readonly number[], period: number, periodsPerYear: number | null = null): (number | null)[] {
  const indicator = new RealizedVolatility(period, periodsPerYear);
  const out = new Array<number | null>(closes.length);
  for (let i = 0; i < closes.length; i++) out[i] = indicator.update(closes[i]!);
  return out;
}
