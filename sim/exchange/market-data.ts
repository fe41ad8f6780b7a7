import type { Candle } from "../../src/lib/market/candle";
import { loadCandles, loadFunding, type FundingPoint } from "../data/candles";
import { MINUTE } from "./intervals";

/** A contiguous run of shipped 1m candles: open times [start, end), array indices [from, to). */
export interface MinuteWindow {
  start: number;
  end: number;
  from: number;
  to: number;
}

export interface SymbolData {
  symbol: string;
  m1: Candle[];
  windows: MinuteWindow[];
}

export const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
export const QUOTE_ASSET = "USDT";
export const TICK_SIZE = 0.01;
const STEP_SIZE: Record<string, number> = { BTCUSDT: 0.00001, ETHUSDT: 0.0001, SOLUSDT: 0.001 };

const cache = new Map<string, SymbolData>();
const fundingCache = new Map<string, FundingPoint[]>();

export function isKnownSymbol(symbol: string): boolean {
  return Object.hasOwn(STEP_SIZE, symbol);
}

export function stepSize(symbol: string): number {
  return STEP_SIZE[symbol] ?? 0.00001;
}

export function baseAsset(symbol: string): string {
  return symbol.endsWith(QUOTE_ASSET) ? symbol.slice(0, -QUOTE_ASSET.length) : symbol;
}

export function symbolData(symbol: string): SymbolData {
  const hit = cache.get(symbol);
  if (hit) return hit;
  const m1 = loadCandles(symbol, "1m");
  const windows: MinuteWindow[] = [];
  for (let i = 0; i < m1.length; i++) {
    const t = m1[i]!.t;
    const last = windows[windows.length - 1];
    if (last && last.end === t) {
      last.end = t + MINUTE;
      last.to = i + 1;
    } else {
      windows.push({ start: t, end: t + MINUTE, from: i, to: i + 1 });
    }
  }
  const data = { symbol, m1, windows };
  cache.set(symbol, data);
  return data;
}

export function windowAt(data: SymbolData, t: number): MinuteWindow | undefined {
  return data.windows.find((w) => t >= w.start && t < w.end);
}

/** Index of the 1m candle with open time `t`, if shipped. */
export function minuteIndex(data: SymbolData, t: number): number | undefined {
  const w = data.windows.find((x) => t >= x.start && t < x.end);
  if (!w || t % MINUTE !== 0) return undefined;
  return w.from + (t - w.start) / MINUTE;
}

export function fundingOf(symbol: string): FundingPoint[] {
  let hit = fundingCache.get(symbol);
  if (!hit) {
    hit = loadFunding(symbol);
    fundingCache.set(symbol, hit);
  }
  return hit;
}

/** Smallest i in [0, n) with pred(i) true, for a predicate that is monotonic (false...true); n if none. */
export function firstIndex(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
