import { assertFinite, assertPeriod } from "./assert";
import { RingBuffer, type RingBufferState } from "./ring-buffer";
import { RollingStats, rollingReplayStart, type RollingStatsState } from "./rolling-stats";
import type { StreamingIndicator } from "./streaming-indicator";

export interface EfficiencyRatioState {
  closes: RingBufferState;
  moves: RollingStatsState;
}

/**
 * Kaufman efficiency ratio over `period` changes: |close − close n ago| / Σ|close_i − close_i−1|
 * over the same span, in [0, 1]; 0 when the price did not move at all (no trend).
 */
export class EfficiencyRatio implements StreamingIndicator<number, number, EfficiencyRatioState> {
  private closes: RingBuffer;
  private moves: RollingStats; // |close-to-close changes| of the last `period` steps

  constructor(readonly period: number) {
    assertPeriod(period);
    this.closes = new RingBuffer(period + 1);
    this.moves = new RollingStats(period);
  }

  update(close: number): number | null {
    assertFinite(close, "efficiency ratio close");
    if (this.closes.count > 0) this.moves.push(Math.abs(close - this.closes.newest));
    this.closes.push(close);
    return this.value;
  }

  get value(): number | null {
    if (!this.closes.isFull) return null;
    const direction = Math.abs(this.closes.newest - this.closes.oldest);
    const path = this.moves.sum;
    if (direction === 0 || path <= 0) return 0;
    const ratio = direction / path;
    return ratio < 1 ? ratio : 1; // rounding in the running path sum can overshoot a one-way move
  }

  get isReady(): boolean {
    return this.closes.isFull;
  }

  toJSON(): EfficiencyRatioState {
    return { closes: this.closes.toJSON(), moves: this.moves.toJSON() };
  }

  static fromJSON(state: EfficiencyRatioState): EfficiencyRatio {
    const er = new EfficiencyRatio(state.moves.ring.capacity);
    if (state.closes.capacity !== er.period + 1) throw new Error("efficiency ratio state: closes and moves disagree on the period");
    er.closes = RingBuffer.fromJSON(state.closes);
    er.moves = RollingStats.fromJSON(state.moves);
    return er;
  }
}

export function efficiencyRatio(closes: readonly number[], period: number): (number | null)[] {
  const indicator = new EfficiencyRatio(period);
  const out = new Array<number | null>(closes.length);
  for (let i = 0; i < closes.length; i++) out[i] = indicator.update(closes[i]!);
  return out;
}

/** The efficiency ratio after the last close (`efficiencyRatio(closes, period).at(-1) ?? null`) without the array. */
export function lastEfficiencyRatio(closes: readonly number[], period: number): number | null {
  const indicator = new EfficiencyRatio(period);
  // The moves' window is the state that lasts: fed from where its last recomputation needs them (see
  // `rollingReplayStart`; the close there is the first move's previous close). The closes before are only checked.
  const start = rollingReplayStart(Math.max(0, closes.length - 1), period);
  for (let i = 0; i < start; i++) assertFinite(closes[i]!, "efficiency ratio close");
  for (let i = start; i < closes.length; i++) indicator.update(closes[i]!);
  return indicator.value;
}
