import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadEngineConfig } from "../../src/actors/config";
import type { LearnerState } from "../../src/lib/learn/state";
import { runBacktest } from "../../src/lib/backtest/engine";
import type { BacktestResult } from "../../src/lib/backtest/types";
import type { Candle } from "../../src/lib/market/candle";
import { aggregateCandles } from "../../src/lib/market/aggregate";
import type { Timeframe } from "../../src/lib/market/timeframe";
import { createSession, migrateD1, startPortfolio, tickerStub, waitFor } from "../workers/support";
import { steppedReplay } from "./stepped-replay";
import minutesCsv from "../../data/binance_spot_BTCUSDT_1m_20260324-20260330.csv?raw";

const DAY = Date.parse("2026-03-27T00:00:00Z");
const MINUTES = Number((env as unknown as { PARITY_MINUTES?: string }).PARITY_MINUTES || 1440);
const SYMBOL = "BTC/USDT";
const PORTFOLIO = "par";
const VENUE = "parv";
const TIMEFRAMES: Timeframe[] = ["1m", "15m", "1h", "4h", "1d"];

/** The shipped 1m candles of BTC/USDT from `from`, `minutes` of them. */
function shippedMinutes(from: number, minutes: number): Candle[] {
  const out: Candle[] = [];
  for (const line of minutesCsv.split("\n").slice(1)) {
    if (!line) continue;
    const [t, o, h, l, c, v] = line.split(",").map(Number) as [number, number, number, number, number, number];
    if (t >= from && t < from + minutes * 60_000) out.push({ t, o, h, l, c, v });
  }
  return out;
}

/** What both interpreters produce, ids and wall-clock fields aside: decisions, filled orders, round trips. */
interface Outcome {
  decisions: { id: string; at: number; layer: string; reason: string; decider: string; actions: { ticker: string; action: string; positionPct: number }[] }[];
  fills: { id: string; side: string; price: number; qty: number; fee: number; at: number }[];
  trades: { id: string; entryAt: number; exitAt: number; entryPrice: number; exitPrice: number; qty: number; fees: number; pnl: number; exitKind: string; exitReason: string }[];
}

async function liveOutcome(): Promise<Outcome> {
  const rows = <T>(sql: string) =>
    env.DB.prepare(sql)
      .bind(PORTFOLIO)
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

function backtestOutcome(r: BacktestResult): Outcome {
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

describe("one core, two interpreters", () => {
  it("a replayed day of the rule pipeline decides, fills, trades and learns the same through the actors and the backtester", async () => {
    await migrateD1();
    const session = await createSession({ start: new Date(DAY).toISOString(), symbols: ["BTCUSDT"], partials: 2, openingFrame: true } as never);
    await startPortfolio({ portfolio: PORTFOLIO, venue: VENUE, session, symbols: [SYMBOL], decider: "rule" });
    const ticker = tickerStub(SYMBOL, VENUE);
    // The history the ticker started from (and the funding it polled at the start) is the backtest's warm-up.
    const funding = (await waitFor(async () => ((await ticker.quote()).funding.length > 0 ? ticker.quote() : null), "funding polled")).funding;
    const history: Partial<Record<Timeframe, Candle[]>> = {};
    for (const tf of TIMEFRAMES) history[tf] = await ticker.candles(tf, 5_000);

    const day = shippedMinutes(DAY, MINUTES);
    const result = await runBacktest({
      candles: { [SYMBOL]: day },
      baseTimeframe: "1m",
      history: { [SYMBOL]: history },
      funding: { [SYMBOL]: funding },
      config: loadEngineConfig(env),
      initialCash: 10_000,
      seed: 1,
      portfolio: PORTFOLIO,
    });

    const q = { portfolio: PORTFOLIO, venue: VENUE, symbols: [SYMBOL] };
    const started = Date.now();
    const run = await steppedReplay(session, q, DAY, MINUTES, new Set(result.decisions.map((d) => d.at)));
    console.log(`stepped ${run.frames} frames, ${run.waits} waits, in ${Date.now() - started} ms`);
    await waitFor(async () => {
      const stubs = [env.GATE.getByName(`gate:${PORTFOLIO}`), env.ACCOUNT.getByName(`account:${PORTFOLIO}`), ...[...run.positions].map((id) => env.POSITION.getByName(`position:${PORTFOLIO}:${id}`))];
      for (const s of stubs) if ((await s.kernelStatus()).history.pending > 0) return false;
      return true;
    }, "history written");
    // The ticker took the same minutes, and built the same candles of every timeframe from them.
    expect((await ticker.candles("1m", 5_000)).filter((c) => c.t >= DAY)).toEqual(day);
    for (const tf of ["15m", "1h", "4h"] as const) expect((await ticker.candles(tf, 200)).filter((c) => c.t >= DAY)).toEqual(aggregateCandles(day, tf));

    const live = await liveOutcome();
    const bt = backtestOutcome(result);
    // The day has what the parity is about: entries, decisions woken by a review, a safety exit and a decision's exit.
    expect(bt.fills.filter((f) => f.side === "buy").length).toBeGreaterThanOrEqual(4);
    expect(bt.decisions.some((d) => d.layer === "review")).toBe(true);
    expect(bt.trades.map((t) => t.exitKind)).toEqual(expect.arrayContaining(["time_stop", "decision"]));
    expect(live.decisions).toEqual(bt.decisions);
    expect(live.fills).toEqual(bt.fills);
    expect(live.trades).toEqual(bt.trades);
    const learner = await runInDurableObject(env.LEARNER.getByName(`learner:${PORTFOLIO}`), (instance) => (instance as unknown as { state: LearnerState }).state);
    expect(learner).toEqual(result.learner);
  }, 600_000);
});
