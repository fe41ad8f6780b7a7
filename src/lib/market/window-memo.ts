import type { Candle } from "../market/candle";

/** How many recent windows each computation remembers: a few symbols × a few parameter sets. */
const SLOTS = 16;

interface Recent {
  candles: (readonly Candle[] | null)[];
  params: unknown[];
  values: unknown[];
  next: number;
}

const recentByWhat = new Map<string, Recent>();

/**
 * `compute(candles)` once per candle window, computation and parameters, for the most recent windows.
 * A window is never modified once built, and the backtester hands the same window to every decision
 * until a candle of its timeframe closes (z-score and timer wakes fall inside one), so indicators over
 * it need computing once. Live decisions build fresh windows and simply miss. `params` counts by
 * identity for objects (resolved strategy params are reused) and by value otherwise.
 */
export function perWindow<T>(candles: readonly Candle[], what: string, params: unknown, compute: (candles: readonly Candle[]) => T): T {
  let recent = recentByWhat.get(what);
  if (recent === undefined) {
    recent = { candles: new Array<readonly Candle[] | null>(SLOTS).fill(null), params: new Array<unknown>(SLOTS), values: new Array<unknown>(SLOTS), next: 0 };
    recentByWhat.set(what, recent);
  }
  for (let i = 0; i < SLOTS; i++) if (recent.candles[i] === candles && recent.params[i] === params) return recent.values[i] as T;
  const value = compute(candles);
  const slot = recent.next;
  recent.candles[slot] = candles;
  recent.params[slot] = params;
  recent.values[slot] = value;
  recent.next = (slot + 1) % SLOTS;
  return value;
}
