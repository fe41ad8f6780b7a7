import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { loadEngineConfig } from "../../src/actors/config";
import { runBacktest } from "../../src/lib/backtest/engine";
import type { BacktestDecider, BacktestResult } from "../../src/lib/backtest/types";
import type { EngineConfig } from "../../src/lib/config";
import type { LearnerState } from "../../src/lib/learn/state";
import { aggregateCandles } from "../../src/lib/market/aggregate";
import type { Candle } from "../../src/lib/market/candle";
import { TIMEFRAME_MS, type Timeframe } from "../../src/lib/market/timeframe";
import { createSession, migrateD1, startPortfolio, tickerStub, waitFor, type SimSession } from "../workers/support";
import { steppedReplay } from "./stepped-replay";
import minutesCsv from "../../data/binance_spot_BTCUSDT_1m_20260324-20260330.csv?raw";

/** The replayed day (2026-03-27, BTC/USDT): a day with entries, reviews, time stops and a decision's exit under the parity config. */
export const DAY = Date.parse("2026-03-27T00:00:00Z");
export const SYMBOL = "BTC/USDT";
/** A whole day, or PARITY_MINUTES to look at a difference sooner. */
export const MINUTES = Number((env as unknown as { PARITY_MINUTES?: string }).PARITY_MINUTES || 1440);
const TIMEFRAMES: Timeframe[] = ["1m", "15m", "1h", "4h", "1d"];

/** The shipped 1m candles of BTC/USDT from `from`, `minutes` of them. */
export function shippedMinutes(from: number, minutes: number): Candle[] {
  const out: Candle[] = [];
  for (const line of minutesCsv.split("\n").slice(1)) {
    if (!line) continue;
    const [t, o, h, l, c, v] = line.split(",").map(Number) as [number, number, number, number, number, number];
    if (t >= from && t < from + minutes * 60_000) out.push({ t, o, h, l, c, v });
  }
  return out;
}

/** What both interpreters produce, ids and wall-clock fields aside: decisions, filled orders, round trips. */
export interface Outcome {
  decisions: { id: string; at: number; layer: string; reason: string; decider: string; actions: { ticker: string; action: string; positionPct: number }[] }[];
  fills: { id: string; side: string; price: number; qty: number; fee: number; at: number }[];
  trades: { id: string; entryAt: number; exitAt: number; entryPrice: number; exitPrice: number; qty: number; fees: number; pnl: number; exitKind: string; exitReason: string }[];
}

/** The portfolio's outcome as the actors wrote it to D1. */
export async function liveOutcome(portfolio: string): Promise<Outcome> {
  const rows = <T>(sql: string) =>
    env.DB.prepare(sql)
      .bind(portfolio)
      .all<T>()
      .then((r) => r.results);
  const decisions = await rows<any>("SELECT * FROM decisions WHERE portfolio = ? AND kind = 'decision' ORDER BY at, id");
  const orders = await rows<any>("SELECT * FROM orders WHERE portfolio = ? AND status = 'filled' ORDER BY filled_at, id");
  const trades = await rows<any>("SELECT * FROM trades WHERE portfolio = ? ORDER BY exit_at, id");
  return {
    decisions: decisions.map((d) => ({
      id: d.id,
      at: d.at,
      layer: d.trigger_layer,
      reason: d.trigger_reason,
      decider: d.decider,
      actions: ((JSON.parse(d.decision_json ?? "null")?.decisions ?? []) as any[]).filter((a) => a.action !== "HOLD").map((a) => ({ ticker: a.ticker, action: a.action, positionPct: a.position_pct })),
    })),
    fills: orders.map((o) => ({ id: o.id, side: o.side, price: o.fill_price, qty: o.filled_qty, fee: o.fee, at: o.filled_at })),
    trades: trades.map((t) => ({
      id: t.id,
      entryAt: t.entry_at,
      exitAt: t.exit_at,
      entryPrice: t.entry_price,
      exitPrice: t.exit_price,
      qty: t.qty,
      fees: t.fees,
      pnl: t.pnl,
      exitKind: t.exit_kind,
      exitReason: t.exit_reason,
    })),
  };
}

export function backtestOutcome(r: BacktestResult): Outcome {
  return {
    decisions: r.decisions.map((d) => ({ id: d.id, at: d.at, layer: d.layer, reason: d.reason, decider: d.decider, actions: d.actions })),
    fills: r.fills.map((f) => ({ id: f.clientOrderId, side: f.side, price: f.price, qty: f.qty, fee: f.fee, at: f.at })),
    trades: r.trades.map((t) => ({
      id: t.id,
      entryAt: t.entryAt,
      exitAt: t.exitAt,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      qty: t.qty,
      fees: t.fees,
      pnl: t.pnl,
      exitKind: t.exitKind,
      exitReason: t.exitReason,
    })),
  };
}

/** A portfolio on its own simulator session (opening frames, two partials: the backtester's path), started at the day's open. */
export interface DayWorld {
  portfolio: string;
  venue: string;
  session: SimSession;
  /** The history the ticker started from and the funding it polled at the start: the backtest's warm-up. */
  history: Partial<Record<Timeframe, Candle[]>>;
  funding: { at: number; value: number }[];
  day: Candle[];
}

export async function startDay(o: { portfolio: string; venue: string; decider: "rule" | "claude"; maxCallsPerDay?: number; dailyBudgetUsd?: number }): Promise<DayWorld> {
  await migrateD1();
  const session = await createSession({ start: new Date(DAY).toISOString(), symbols: ["BTCUSDT"], partials: 2, openingFrame: true } as never);
  await startPortfolio({
    portfolio: o.portfolio,
    venue: o.venue,
    session,
    symbols: [SYMBOL],
    decider: o.decider,
    ...(o.maxCallsPerDay ? { maxCallsPerDay: o.maxCallsPerDay } : {}),
    ...(o.dailyBudgetUsd ? { dailyBudgetUsd: o.dailyBudgetUsd } : {}),
  });
  const ticker = tickerStub(SYMBOL, o.venue);
  const funding = (await waitFor(async () => ((await ticker.quote()).funding.length > 0 ? ticker.quote() : null), "funding polled")).funding;
  const history: Partial<Record<Timeframe, Candle[]>> = {};
  for (const tf of TIMEFRAMES) history[tf] = await ticker.candles(tf, 5_000);
  return { portfolio: o.portfolio, venue: o.venue, session, history, funding, day: shippedMinutes(DAY, MINUTES) };
}

/** The day through the backtester, with the engine's config (`llm` overridden as the portfolio's gate has it) and `decider`. */
export function backtestDay(w: DayWorld, o: { llm?: Partial<EngineConfig["llm"]>; decider?: BacktestDecider } = {}): Promise<BacktestResult> {
  const base = loadEngineConfig(env);
  const config = { ...base, llm: { ...base.llm, ...o.llm } };
  return runBacktest({
    candles: { [SYMBOL]: w.day },
    baseTimeframe: "1m",
    history: { [SYMBOL]: w.history },
    funding: { [SYMBOL]: w.funding },
    config,
    initialCash: 10_000,
    seed: 1,
    portfolio: w.portfolio,
    ...(o.decider ? { decider: o.decider } : {}),
  });
}

/**
 * The day through the actors, stepped frame by frame where `instants` (the backtest's decisions) fall; then every
 * history row written, and the ticker's minutes and candles checked against the day's.
 */
export async function replayDay(w: DayWorld, instants: ReadonlySet<number>): Promise<void> {
  const q = { portfolio: w.portfolio, venue: w.venue, symbols: [SYMBOL] };
  const run = await steppedReplay(w.session, q, DAY, MINUTES, instants);
  await waitFor(async () => {
    const stubs = [
      env.GATE.getByName(`gate:${w.portfolio}`),
      env.ACCOUNT.getByName(`account:${w.portfolio}`),
      ...[...run.positions].map((id) => env.POSITION.getByName(`position:${w.portfolio}:${id}`)),
    ];
    for (const s of stubs) if ((await s.kernelStatus()).history.pending > 0) return false;
    return true;
  }, "history written");
  // The ticker took the same minutes, and built the same candles of every timeframe from them.
  const ticker = tickerStub(SYMBOL, w.venue);
  expect((await ticker.candles("1m", 5_000)).filter((c) => c.t >= DAY)).toEqual(w.day);
  const end = DAY + MINUTES * 60_000;
  for (const tf of ["15m", "1h", "4h"] as const) {
    const closed = aggregateCandles(w.day, tf).filter((c) => c.t + TIMEFRAME_MS[tf] <= end);
    expect((await ticker.candles(tf, 200)).filter((c) => c.t >= DAY)).toEqual(closed);
  }
}

/** The LearnerActor's state: its posteriors per agent, globally and per regime, and its trade count. */
export function liveLearner(portfolio: string): Promise<LearnerState> {
  return runInDurableObject(env.LEARNER.getByName(`learner:${portfolio}`), (instance) => (instance as unknown as { state: LearnerState }).state);
}
