import { countAtOrBefore } from "../util/bisect";

/**
 * A market's derivatives context beyond funding, as its ticker polls it from the USD-M venue (or a backtest reads it):
 * open interest, the taker buy/sell volume ratio, the top traders' long/short position ratio, the basis (mark over
 * index) and forced orders (liquidations). Every point carries the time its source stamped it; a source that labels
 * its data synthetic (the simulator's generator) makes the whole history `synthetic`, and every view of it says so.
 */
export interface StampedPoint {
  at: number;
  value: number;
}

export interface LiquidationEvent {
  at: number;
  /** SELL: a long was liquidated (forced sell); BUY: a short. */
  side: "BUY" | "SELL";
  qty: number;
  price: number;
}

export interface DerivativesHistory {
  /** Open interest in base units, oldest first. */
  openInterest: StampedPoint[];
  takerBuySellRatio: StampedPoint[];
  longShortRatio: StampedPoint[];
  /** mark / index − 1. */
  basis: StampedPoint[];
  liquidations: LiquidationEvent[];
  synthetic: boolean;
}

export const NO_DERIVATIVES: DerivativesHistory = Object.freeze({ openInterest: [], takerBuySellRatio: [], longShortRatio: [], basis: [], liquidations: [], synthetic: false }) as DerivativesHistory;

/** The window the snapshot's liquidation summary covers. */
export const LIQUIDATION_WINDOW_MS = 3_600_000;

const atOf = (p: { at: number }) => p.at;

/** The newest point at or before `now` (points ascending), or null. */
export function latestAsOf(points: readonly StampedPoint[], now: number): StampedPoint | null {
  const n = countAtOrBefore(points, now, atOf);
  return n === 0 ? null : points[n - 1]!;
}

/** The points in (`now` − `spanMs`, `now`] (points ascending): what a decision at `now` may see of the recent past. */
export function pointsAsOfTime<T extends { at: number }>(points: readonly T[], now: number, spanMs = Infinity): T[] {
  const end = countAtOrBefore(points, now, atOf);
  const start = spanMs === Infinity ? 0 : countAtOrBefore(points, now - spanMs, atOf);
  return start === 0 && end === points.length ? (points as T[]) : points.slice(start, end);
}

/** The forced orders of the last hour before `now`: how many, the base quantity of longs and shorts liquidated, their notional. */
export interface LiquidationSummary {
  at: number;
  windowMs: number;
  count: number;
  longsQty: number;
  shortsQty: number;
  notional: number;
}

export function liquidationSummary(events: readonly LiquidationEvent[], now: number): LiquidationSummary | null {
  let count = 0;
  let longsQty = 0;
  let shortsQty = 0;
  let notional = 0;
  let last = -Infinity;
  for (const e of events) {
    if (e.at > now || e.at <= now - LIQUIDATION_WINDOW_MS) continue;
    count++;
    if (e.side === "SELL") longsQty += e.qty;
    else shortsQty += e.qty;
    notional += e.qty * e.price;
    if (e.at > last) last = e.at;
  }
  return count === 0 ? null : { at: last, windowMs: LIQUIDATION_WINDOW_MS, count, longsQty, shortsQty, notional };
}

/** (buy − sell) / (buy + sell) from a buy/sell volume ratio: the taker order-flow imbalance in [−1, 1]. */
export function takerDelta(buySellRatio: number): number {
  return (buySellRatio - 1) / (buySellRatio + 1);
}

/** Open interest's fractional change over `lookbackMs` before `now` (from the last point at or before each end), or null. */
export function openInterestChange(points: readonly StampedPoint[], now: number, lookbackMs: number): number | null {
  const latest = latestAsOf(points, now);
  const base = latestAsOf(points, now - lookbackMs);
  if (!latest || !base || !(base.value > 0) || latest.at === base.at) return null;
  return latest.value / base.value - 1;
}

/** Appends `fresh` points (ascending) after the last point of `known`, keeping the newest `keep`. */
export function mergePoints<T extends { at: number }>(known: readonly T[], fresh: readonly T[], keep: number): T[] {
  const last = known.at(-1)?.at ?? -Infinity;
  const merged = [...known, ...fresh.filter((p) => p.at > last)];
  return merged.length > keep ? merged.slice(merged.length - keep) : merged;
}
