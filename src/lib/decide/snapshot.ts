import { positionExposure, positionValue, type BookPosition } from "../account/ledger";
import { shortsAllowed } from "../futures/config";
import type { EngineConfig } from "../config";
import type { Candle } from "../market/candle";
import { closedBy } from "../market/closed";
import { TIMEFRAME_MS, type Timeframe } from "../market/timeframe";
import { classifyTrend } from "../regime/trend";
import type { Limits, MarketSnapshot, RecentTrade, TickerSnapshot, TimeframeIndicators } from "./snapshot-schema";
import { timeframeIndicators } from "./timeframe-indicators";
import type { CombinedRegime } from "../regime/types";
import { recallForSnapshot, type Episode } from "../memory/episodes";
import { latestAsOf, liquidationSummary, type DerivativesHistory } from "../market/derivatives";

export * from "./snapshot-schema";

export interface StampedValue {
  value: number;
  at: number;
}

export interface TickerInput {
  symbol: string;
  /** Candles per timeframe, oldest first; any that close after `now` are ignored. */
  candles: Partial<Record<Timeframe, readonly Candle[]>>;
  price: StampedValue | null;
  features: { zRet: number; zVol: number; at: number } | null;
  /** Recent funding settlements, any order; the latest at or before `now` is used. */
  funding: StampedValue[];
  /** The combined regime from daily candles, when the caller detected it (point in time at `now`). */
  regime?: CombinedRegime | null;
  /** Open interest, taker and long/short ratios, basis and liquidations, when a source provides them (any range: read as of `now`). */
  derivatives?: DerivativesHistory | null;
}

/**
 * The markets whose closed candles stop short of the minute `at` falls in: a snapshot built now would see their
 * market as it was minutes ago while it sees the others now (one ticker behind the rest, under load or after a
 * reconnect). `closedThrough`: the end of each market's last closed minute, null before its first.
 */
export function laggingSymbols(markets: readonly { symbol: string; closedThrough: number | null }[], at: number): { symbol: string; behindMs: number }[] {
  const minute = Math.floor(at / 60_000) * 60_000;
  const out: { symbol: string; behindMs: number }[] = [];
  for (const t of markets) {
    if (t.closedThrough === null || t.closedThrough < minute) out.push({ symbol: t.symbol, behindMs: t.closedThrough === null ? Infinity : minute - t.closedThrough });
  }
  return out;
}

export interface SnapshotInput {
  portfolio: string;
  decisionTimeframe: Timeframe;
  wake: { layer: string; reason: string };
  tickers: TickerInput[];
  account: Omit<MarketSnapshot["account"], "positions"> & {
    positions: Omit<MarketSnapshot["account"]["positions"][number], "pnlPct">[];
    /** Quote reserved for entries not filled yet (they count in exposure and equity at it); none when absent. */
    pendingNotional?: number;
  };
  recentTrades: RecentTrade[];
  learner: MarketSnapshot["learner"];
  memory: { value: string; at: number } | null;
  /**
   * Past episodes to recall from (any order; open ones and any closed after `now` are never recalled), with
   * how many per ticker and the JSON bound of the recalled block (config `memory`). Absent: no `episodes`.
   */
  episodes?: { candidates: readonly Episode[]; k: number; maxChars: number };
  limits: Limits;
  /** The regime blend's efficiency-ratio threshold, for the trend label. */
  trendingEfficiency: number;
}

/**
 * Values derived from one timeframe's closed candles (indicators, trend, closes), kept across the
 * snapshots of one backtest run. A value is reused while the symbol, the timeframe, the last candle's
 * open time and the number of candles are the same: within a run the candle lists never change, so
 * those fix the candles and the value. One value per symbol, timeframe and kind is kept (a run moves
 * forward in time). Live snapshots are built without one (their candles can be revised by a backfill).
 */
export class DerivedValues {
  private readonly latest = new Map<string, { lastT: number; count: number; value: unknown }>();

  /** `compute(candles, arg)` of `symbol`'s `tf` candles, reused while they are the same; `kind` names what `compute` derives (and its `arg`). */
  get<T, A>(kind: string, symbol: string, tf: Timeframe, candles: readonly Candle[], compute: (candles: readonly Candle[], arg: A) => T, arg: A): T {
    const slot = `${kind} ${symbol} ${tf}`;
    const lastT = candles.length > 0 ? candles[candles.length - 1]!.t : -1;
    const hit = this.latest.get(slot);
    if (hit !== undefined && hit.lastT === lastT && hit.count === candles.length) return hit.value as T;
    const value = compute(candles, arg);
    this.latest.set(slot, { lastT, count: candles.length, value });
    return value;
  }
}

export interface SnapshotOptions {
  /**
   * Which timeframes get indicators: every one, the decision timeframe's only, or none. "none" also
   * leaves out the trend reading (the regime view is null): for deciders that read only candles,
   * account and limits, as the rule deciders do.
   */
  indicators: "all" | "decision-timeframe" | "none";
  /** A backtest run's cache of derived values; absent live. */
  derived?: DerivedValues;
}

const notAfter = <T extends { at: number }>(x: T | null, now: number): T | null => (x !== null && x.at <= now ? x : null);

function regimeView(combined: CombinedRegime | null, trend: ReturnType<typeof classifyTrend> | null, decision: readonly Candle[], tf: Timeframe, now: number): TickerSnapshot["regime"] {
  if (!trend || decision.length === 0) return null;
  const base = { trend: trend.regime, efficiencyRatio: trend.efficiencyRatio, at: decision[decision.length - 1]!.t + TIMEFRAME_MS[tf] };
  if (!combined || combined.at > now) return base;
  return {
    ...base,
    label: combined.learnerKey,
    volatility: combined.volatility,
    hmmState: combined.hmmState,
    macro: combined.macro,
    exposureScale: combined.exposureScale,
    confidence: combined.confidence,
  };
}

function latestBy(points: readonly StampedValue[], now: number): StampedValue | null {
  let best: StampedValue | null = null;
  for (const p of points) if (p.at <= now && (best === null || p.at > best.at)) best = p;
  return best;
}

/** Volume of the last 24 hourly candles, summed oldest first; null with fewer than 24. */
function volume24h(hourly: readonly Candle[]): number | null {
  if (hourly.length < 24) return null;
  let sum = 0;
  for (let i = hourly.length - 24; i < hourly.length; i++) sum += hourly[i]!.v;
  return sum;
}

function returnsFrom(hourly: readonly Candle[]): TickerSnapshot["returns"] {
  const last = hourly[hourly.length - 1];
  if (!last) return null;
  const c4 = hourly[hourly.length - 5]?.c ?? null;
  const c24 = hourly[hourly.length - 25]?.c ?? null;
  return {
    r4h: c4 === null ? null : last.c / c4 - 1,
    r24h: c24 === null ? null : last.c / c24 - 1,
    volume24h: volume24h(hourly),
    at: last.t + TIMEFRAME_MS["1h"],
  };
}

/** A timeframe's indicators, stamped with its last close time; null without candles. */
function closedIndicators(closed: readonly Candle[], tf: Timeframe): TimeframeIndicators | null {
  const last = closed[closed.length - 1];
  return last ? timeframeIndicators(closed, last.t + TIMEFRAME_MS[tf]) : null;
}

function indicatorsOf(symbol: string, tf: Timeframe, closed: readonly Candle[], derived: DerivedValues | undefined): TimeframeIndicators | null {
  return derived ? derived.get("indicators", symbol, tf, closed, closedIndicators, tf) : closedIndicators(closed, tf);
}

/** Trending or ranging by the efficiency ratio of the decision timeframe's closes; null without candles. */
function trendReading(decision: readonly Candle[], trendingAt: number): ReturnType<typeof classifyTrend> | null {
  return decision.length === 0
    ? null
    : classifyTrend(
        decision.map((c) => c.c),
        14,
        trendingAt,
      );
}

function trendOf(symbol: string, tf: Timeframe, decision: readonly Candle[], trendingAt: number, derived: DerivedValues | undefined): ReturnType<typeof classifyTrend> | null {
  return derived ? derived.get(`trend ${trendingAt}`, symbol, tf, decision, trendReading, trendingAt) : trendReading(decision, trendingAt);
}

const withIndicators = (opts: SnapshotOptions, tf: Timeframe, decisionTf: Timeframe): boolean => opts.indicators === "all" || (opts.indicators === "decision-timeframe" && tf === decisionTf);

/**
 * Without a price: the newest last close, stamped with its close time, of every timeframe ("all") or
 * of the decision timeframe (otherwise).
 */
function fallbackPrice(closed: Partial<Record<Timeframe, readonly Candle[]>>, opts: SnapshotOptions, decisionTf: Timeframe): StampedValue | null {
  let best: StampedValue | null = null;
  for (const tf of Object.keys(closed) as Timeframe[]) {
    const last = closed[tf]![closed[tf]!.length - 1];
    if (!last || !(opts.indicators === "all" || tf === decisionTf)) continue;
    const at = last.t + TIMEFRAME_MS[tf];
    if (best === null || at > best.at) best = { value: last.c, at };
  }
  return best;
}

function tickerSnapshot(t: TickerInput, decisionTf: Timeframe, trendingAt: number, now: number, opts: SnapshotOptions): TickerSnapshot | null {
  const timeframes: TickerSnapshot["timeframes"] = {};
  const closed: Partial<Record<Timeframe, readonly Candle[]>> = {};
  for (const tf of Object.keys(t.candles) as Timeframe[]) {
    const c = closedBy(t.candles[tf], tf, now);
    closed[tf] = c;
    const ind = withIndicators(opts, tf, decisionTf) ? indicatorsOf(t.symbol, tf, c, opts.derived) : null;
    if (ind) timeframes[tf] = ind;
  }
  const price = notAfter(t.price, now) ?? fallbackPrice(closed, opts, decisionTf);
  if (price === null) return null;
  const decision = closed[decisionTf] ?? [];
  const trend = opts.indicators === "none" ? null : trendOf(t.symbol, decisionTf, decision, trendingAt, opts.derived);
  const features = notAfter(t.features, now);
  return {
    symbol: t.symbol,
    price,
    returns: returnsFrom(closed["1h"] ?? []),
    timeframes,
    features: features ?? { zRet: 0, zVol: 0, at: price.at },
    derivatives: derivativesView(t, now),
    regime: regimeView(t.regime ?? null, trend, decision, decisionTf, now),
    candles: decision as Candle[],
  };
}

/**
 * A ticker's derivatives as of `now`: funding, and (when its source provides them) open interest, the taker and
 * long/short ratios, the basis, each stamped with its source time and none after `now`, and the last hour's
 * liquidations; `synthetic` when the source labels its data so (the simulator's generator).
 */
function derivativesView(t: TickerInput, now: number): TickerSnapshot["derivatives"] {
  const fundingRate = latestBy(t.funding, now);
  const d = t.derivatives;
  if (!d) return { fundingRate, openInterest: null, takerBuySellRatio: null, longShortRatio: null };
  const view: TickerSnapshot["derivatives"] = {
    fundingRate,
    openInterest: latestAsOf(d.openInterest, now),
    takerBuySellRatio: latestAsOf(d.takerBuySellRatio, now),
    longShortRatio: latestAsOf(d.longShortRatio, now),
    basis: latestAsOf(d.basis, now),
    liquidations: liquidationSummary(d.liquidations, now),
  };
  if (d.synthetic) view.synthetic = true;
  return view;
}

/** An account's book as a snapshot's input lists it: its open positions (an entry not filled yet is not a position), and the quote reserved for such entries. */
export function snapshotAccount(book: { cash: number; positions: readonly BookPosition[]; tradingState: SnapshotInput["account"]["tradingState"] }, at: number): SnapshotInput["account"] {
  let pendingNotional = 0;
  const positions: SnapshotInput["account"]["positions"] = [];
  let value = 0;
  let open = 0;
  for (const p of book.positions) {
    if (p.status !== "open") {
      pendingNotional += p.notional;
      continue;
    }
    const position: SnapshotInput["account"]["positions"][number] = { id: p.id, symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt };
    if (p.venue === "futures") Object.assign(position, { side: p.side ?? "long", leverage: p.leverage ?? 1, funding: p.funding ?? 0 });
    if (p.group !== undefined) position.group = p.group;
    positions.push(position);
    value += positionValue(p, p.lastPrice);
    open += positionExposure(p, p.lastPrice);
  }
  return { cash: book.cash, equity: book.cash + value, exposure: open + pendingNotional, tradingState: book.tradingState, at, positions, pendingNotional };
}

/** A snapshot position as the book values it (a spot long without futures fields). */
function asBookPosition(p: SnapshotInput["account"]["positions"][number]): BookPosition {
  const b: BookPosition = { id: p.id, symbol: p.symbol, status: "open", notional: p.qty * p.entryPrice, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt };
  if (p.side !== undefined) Object.assign(b, { side: p.side, venue: "futures", leverage: p.leverage ?? 1, funding: p.funding ?? 0 });
  return b;
}

/**
 * The account as of `now`: each open position marked at its ticker's price in the snapshot (the account's own marks
 * follow its timer), equity and exposure valued at those marks. With `pendingNotional` the values are computed from the
 * cash and positions alone, so every interpreter reaches the same figures; without it the account's own stand, moved by
 * as much as the marks moved.
 */
function markedAccount(account: SnapshotInput["account"], tickers: readonly TickerSnapshot[], now: number): MarketSnapshot["account"] {
  let moved = 0;
  let open = 0;
  let value = 0;
  let exposureMoved = 0;
  const positions = account.positions.map((p) => {
    const price = tickers.find((t) => t.symbol === p.symbol)?.price.value ?? p.lastPrice;
    const change = p.entryPrice > 0 ? price / p.entryPrice - 1 : 0;
    if (p.side === undefined) {
      moved += p.qty * (price - p.lastPrice);
      exposureMoved += p.qty * (price - p.lastPrice);
      open += p.qty * price;
      value += p.qty * price;
      return { id: p.id, symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice, lastPrice: price, openedAt: p.openedAt, pnlPct: change };
    }
    const b = asBookPosition(p);
    moved += positionValue(b, price) - positionValue(b, p.lastPrice);
    exposureMoved += positionExposure(b, price) - positionExposure(b, p.lastPrice);
    open += positionExposure(b, price);
    value += positionValue(b, price);
    return { ...p, lastPrice: price, pnlPct: p.side === "short" ? -change : change };
  });
  const { pendingNotional, ...rest } = account;
  const values = pendingNotional === undefined ? { equity: account.equity + moved, exposure: account.exposure + exposureMoved } : { equity: account.cash + value, exposure: open + pendingNotional };
  return { ...rest, ...values, at: now, positions };
}

/**
 * The point-in-time snapshot at `now`. Every group carries the time its source produced it, and
 * anything stamped after `now` (candles that close later, later prices, funding, trades, memory, episodes) is
 * left out: a snapshot built at t is the same whatever later data exists.
 */
export function buildSnapshot(input: SnapshotInput, now: number, opts: SnapshotOptions = { indicators: "all" }): MarketSnapshot {
  const tickers = input.tickers.map((t) => tickerSnapshot(t, input.decisionTimeframe, input.trendingEfficiency, now, opts)).filter((t): t is TickerSnapshot => t !== null);
  return {
    version: 2,
    at: now,
    portfolio: input.portfolio,
    decisionTimeframe: input.decisionTimeframe,
    wake: input.wake,
    tickers,
    account: markedAccount(input.account, tickers, now),
    recentTrades: input.recentTrades
      .filter((t) => t.closedAt <= now)
      .sort((a, b) => b.closedAt - a.closedAt)
      .slice(0, RECENT_TRADES),
    // Read when the snapshot's inputs were gathered: as of its time, as the account marked at its prices is.
    learner: { ...input.learner, at: now },
    memory: notAfter(input.memory, now),
    // Recall reads each ticker's regime and decision-timeframe indicators: a snapshot without indicators has none.
    ...(input.episodes && opts.indicators !== "none" ? { episodes: recallForSnapshot(tickers, input.decisionTimeframe, input.episodes.candidates, now, input.episodes) } : {}),
    limits: input.limits,
  };
}

/** Closed trades a snapshot lists, newest first. */
export const RECENT_TRADES = 10;

/** Closed candles of each intraday timeframe a snapshot carries. */
export const SNAPSHOT_CANDLES = 120;

/** How many closed candles of each timeframe a snapshot's ticker carries (the gate asks its tickers for these, a backtest reads them from its run). */
export function snapshotCandleLimits(cfg: Pick<EngineConfig, "gate" | "regime">): Partial<Record<Timeframe, number>> {
  return { "1h": SNAPSHOT_CANDLES, "4h": SNAPSHOT_CANDLES, [cfg.gate.decisionTimeframe]: SNAPSHOT_CANDLES, "1d": cfg.regime.dailyHistory };
}

/** The safety limits a decider must respect, as the snapshot states them (the futures fields only on a futures market). */
export function snapshotLimits(cfg: Pick<EngineConfig, "risk" | "exits" | "gate" | "market">): Limits {
  const futures: Partial<Limits> = cfg.market.type !== "futures" ? {} : shortsAllowed(cfg.market) ? { shorts: true, leverage: cfg.market.leverage } : { leverage: cfg.market.leverage };
  return {
    maxPositionPct: cfg.risk.maxPositionPct,
    maxExposurePct: cfg.risk.maxExposurePct,
    maxPositions: cfg.risk.maxPositions,
    minNotional: cfg.risk.minNotional,
    hardStopPct: cfg.exits.hardStopPct,
    trailActivationPct: cfg.exits.trailActivationPct,
    trailPct: cfg.exits.trailPct,
    minNextCheckSeconds: cfg.gate.minNextCheckSeconds,
    maxNextCheckSeconds: cfg.gate.maxNextCheckSeconds,
    ...futures,
  };
}
