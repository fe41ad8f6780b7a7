import { assertFinite, assertPeriod } from "./assert";

/** Serialised ring buffer: values oldest first. */
export interface RingBufferState {
  capacity: number;
  values: number[];
}

// Kept out of the accessors so they stay small enough to be inlined on the indicators' hot paths.
const outOfRange = (i: number, count: number): Error => new Error(`ring index ${i} out of range (count ${count})`);

/** Fixed-capacity FIFO of numbers; pushing onto a full buffer evicts the oldest value. */
export class RingBuffer {
  private readonly buf: number[];
  private head = 0; // index of the oldest value
  private size = 0;

  constructor(readonly capacity: number) {
    assertPeriod(capacity);
    this.buf = new Array<number>(capacity).fill(0);
  }

  get count(): number {
    return this.size;
  }

  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** Appends `x`; returns the evicted value when the buffer was full, else undefined. */
  push(x: number): number | undefined {
    if (this.size < this.capacity) {
      this.buf[this.slot(this.size)] = x;
      this.size++;
      return undefined;
    }
    const evicted = this.buf[this.head];
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return evicted;
  }

  /** The i-th value counted from the oldest (0 = oldest). */
  at(i: number): number {
    if (i < 0 || i >= this.size) throw outOfRange(i, this.size);
    return this.buf[this.slot(i)]!;
  }

  get oldest(): number {
    if (this.size === 0) throw outOfRange(0, 0);
    return this.buf[this.head]!;
  }

  get newest(): number {
    if (this.size === 0) throw outOfRange(-1, 0);
    return this.buf[this.slot(this.size - 1)]!;
  }

  /** Index in `buf` of the i-th value from the oldest (0 ≤ i < capacity): a wrap without a division. */
  private slot(i: number): number {
    const j = this.head + i;
    return j < this.capacity ? j : j - this.capacity;
  }

  toJSON(): RingBufferState {
    const values: number[] = [];
    for (let i = 0; i < this.size; i++) values.push(this.at(i));
    return { capacity: this.capacity, values };
  }

  static fromJSON(state: RingBufferState): RingBuffer {
    if (state.values.length > state.capacity) throw new Error("ring buffer state holds more values than its capacity");
    const ring = new RingBuffer(state.capacity);
    for (const v of state.values) {
      assertFinite(v, "ring buffer value");
      ring.push(v);
    }
    return ring;
  }
}
