import { assertPeriod, assertPositive } from "./assert";
import { RingBuffer, type RingBufferState } from "./ring-buffer";
import type { StreamingIndicator } from "./streaming-indicator";

/** Momentum over `period` periods as a fraction: close / close `period` periods ago − 1. */
export class Momentum implements StreamingIndicator<number, number, RingBufferState> {
  private closes: RingBuffer;

  constructor(readonly period: number) {
    assertPeriod(period);
    this.closes = new RingBuffer(period + 1);
  }

  update(close: number): number | null {
    assertPositive(close, "momentum close");
    this.closes.push(close);
    return this.value;
  }

  get value(): number | null {
    return this.closes.isFull ? this.closes.newest / this.closes.oldest - 1 : null;
  }

  get isReady(): boolean {
    return this.closes.isFull;
  }

  toJSON(): RingBufferState {
    return this.closes.toJSON();
  }

  static fromJSON(state: RingBufferState): Momentum {
    const momentum = new Momentum(state.capacity - 1);
    momentum.closes = RingBuffer.fromJSON(state);
    return momentum;
  }
}

export function momentum(closes: readonly number[], period: number): (number | null)[] {
  const indicator = new Momentum(period);
  const out = new Array<number | null>(closes.length);
  for (let i = 0; i < closes.length; i++) out[i] = indicator.update(closes[i]!);
  return out;
}

/** Momentum after the last close (`momentum(closes, period).at(-1) ?? null`) without the array. */
export function lastMomentum(closes: readonly number[], period: number): number | null {
  const indicator = new Momentum(period);
  // Only the last period + 1 closes stay in its ring; the closes before are only checked.
  const start = Math.max(0, closes.length - (period + 1));
  for (let i = 0; i < start; i++) assertPositive(closes[i]!, "momentum close");
  for (let i = start; i < closes.length; i++) indicator.update(closes[i]!);
  return indicator.value;
}
