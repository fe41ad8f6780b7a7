/** Throws unless `x` is a finite number: NaN or ±Infinity reaching the core is a bug upstream. */
export function assertFinite(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new Error(`${what} must be finite, got ${x}`);
}

/** Throws unless `x` is finite and > 0 (prices that feed log returns or ratios). */
export function assertPositive(x: number, what: string): void {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${what} must be a positive finite number, got ${x}`);
}

/** Throws unless `period` is an integer >= `min`. */
export function assertPeriod(period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) throw new Error(`period must be an integer >= ${min}, got ${period}`);
}

/** Throws unless `x` is finite or null (restored optional fields). */
export function assertFiniteOrNull(x: number | null, what: string): void {
  if (x !== null) assertFinite(x, what);
}
