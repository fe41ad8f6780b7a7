import { RollingStats, type RollingStatsState } from "./rolling-stats";
import type { StreamingIndicator } from "./streaming-indicator";

/** Simple moving average: arithmetic mean of the last `period` values. */
export class Sma implements StreamingIndicator<number, number, RollingStatsState> {
  private stats: RollingStats;

  constructor(readonly period: number) {
    this.stats = new RollingStats(period);
  }

  update(x: number): number | null {
    this.stats.push(x);
    return this.value;
  }

  get value(): number | null {
    return this.stats.isReady ? this.stats.mean : null;
  }

  get isReady(): boolean {
    return this.stats.isReady;
  }

  toJSON(): RollingStatsState {
    return this.stats.toJSON();
  }

  static fromJSON(state: RollingStatsState): Sma {
    const sma = new Sma(state.ring.capacity);
    sma.stats = RollingStats.fromJSON(state);
    return sma;
  }
}

export function sma(values: readonly number[], period: number): (number | null)[] {
  const indicator = new Sma(period);
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = indicator.update(values[i]!);
  return out;
}
