/**
 * Shape shared by every streaming indicator: `update` feeds one input and returns the new value,
 * or null while the indicator is still warming up; `toJSON` is a plain object that the class's
 * static `fromJSON` restores exactly (same future outputs, bit for bit).
 */
export interface StreamingIndicator<Input, Output, State> {
  update(input: Input): Output | null;
  readonly value: Output | null;
  readonly isReady: boolean;
  toJSON(): State;
}

/** Runs a fresh streaming indicator over `inputs`: the batch form of every indicator. */
export function runBatch<Input, Output>(indicator: { update(input: Input): Output | null }, inputs: readonly Input[]): (Output | null)[] {
  const out: (Output | null)[] = new Array<Output | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = indicator.update(inputs[i] as Input);
  return out;
}

/**
 * The last entry of the batch form (`runBatch(indicator, inputs).at(-1) ?? null`) without building the
 * array: what a snapshot needs from a window of candles. Same updates in the same order, so the same bits.
 */
export function lastOfBatch<Input, Output>(indicator: { update(input: Input): Output | null }, inputs: readonly Input[]): Output | null {
  let last: Output | null = null;
  for (let i = 0; i < inputs.length; i++) last = indicator.update(inputs[i] as Input);
  return last;
}

/**
 * Indicators keep "not yet known" as NaN rather than null in their number fields: a field that only
 * ever holds doubles is stored unboxed, so an update allocates nothing. Inputs are checked finite, so
 * NaN is never a real value. These convert at the serialised state's boundary (which keeps null).
 */
export const nullIfUnset = (x: number): number | null => (Number.isNaN(x) ? null : x);
export const unsetIfNull = (x: number | null): number => (x === null ? Number.NaN : x);
