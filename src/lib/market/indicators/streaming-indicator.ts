/**
 * Shape shared by every streaming indicator: `update` feeds one input and returns the new value,
 * or null while the indicator is still warming up; `toJSON` is a plain object that the class's
 * static `fromJSON` restores exactly (same future outputs, bit for bit). Each indicator's batch form
 * (`rsi(closes)`, …) feeds a fresh instance in its own loop (a loop shared by every indicator would
 * make the `update` call megamorphic), and `last…` forms return only the final value.
 */
export interface StreamingIndicator<Input, Output, State> {
  update(input: Input): Output | null;
  readonly value: Output | null;
  readonly isReady: boolean;
  toJSON(): State;
}

/**
 * Indicators keep "not yet known" as NaN rather than null in their number fields: a field that only
 * ever holds doubles is stored unboxed, so an update allocates nothing. Inputs are checked finite, so
 * NaN is never a real value. These convert at the serialised state's boundary (which keeps null).
 */
export const nullIfUnset = (x: number): number | null => (Number.isNaN(x) ? null : x);
export const unsetIfNull = (x: number | null): number => (x === null ? Number.NaN : x);
