import { newAccountBook, type AccountBook } from "../account/ledger";
import { markPrice, releaseEntry } from "../account/transitions";
import { bookClose, bookEntryFilled, bookFunding } from "../account/reactions";
import { orphanedLegs, positionExposure, positionValue } from "../account/ledger";
import { requestExit, settleDueFunding } from "../execution/position";
import { paperBroker } from "../execution/brokers";
import { positionReports } from "../execution/position-reports";
import { AGENT_NAMES } from "../agents/types";
import { emptyLearnerState } from "../learn/state";
import { outcomeOfClose, recordOutcome } from "../learn/update";
import { tradeRecordOf } from "../learn/trade-records";
import { rememberEpisode } from "../memory/episodes";
import type { PositionState } from "../execution/position";
import { candlePathInto, pathPointTime } from "../market/candle-path";
import { LazyTick, TickFeatureTracker } from "../market/tick-features";
import { bucketStart, TIMEFRAME_MS } from "../market/timeframe";
import { warmStart } from "../gate/warm-start";
import { evaluateGate, evaluateTick, initialGateState, isCloseCovered, type GateEvent, type GateState, type GateVerdict } from "../gate";
import { initialMateriality, materialityObserves, materialStep, type MaterialMove, type MaterialityState } from "../gate/materiality";

const HOUR = 3_600_000;
import type { Candle } from "../market/candle";
import { updateTradingState } from "../risk/trading-state";
import { newDecisionContext, perpSlot, runDecisionStep, slotOf } from "./decision-step";
import { SymbolSeries } from "./series";
import type { BacktestDecision, BacktestEquityPoint, BacktestFill, BacktestFundingPayment, BacktestInput, BacktestResult, BacktestTrade, StampedRate } from "./types";
import { stepPosition, type ReviewData } from "./position-step";

interface SymbolState {
  symbol: string;
  candles: Candle[];
  series: SymbolSeries;
  features: TickFeatureTracker;
  /** Index in `candles` of the next candle to replay. */
  next: number;
  /** The symbol's last price, NaN before the first (a number field: set on every price without a new heap number). */
  price: number;
  /** The last price, null before the first (as the snapshot reads it). */
  readonly lastPrice: number | null;
  /** The z-scores of the symbol's last price (as the snapshot's features read them). */
  readonly zRet: number;
  readonly zVol: number;
  /** The symbol's tick event, rewritten in place for every price and scored when read (the gate keeps no reference to it). */
  tick: LazyTick;
  /** The candle path, rewritten in place likewise. */
  path: [number, number, number, number];
  review: ReviewData;
  material: MaterialityState;
  /** The slot of the symbol's carry perpetual leg (`perpSlot`), built once. */
  perpSlot: string;
  /** Futures: the symbol's settled funding, and the index of the next settlement to apply. */
  funding: readonly StampedRate[];
  fundingNext: number;
}

function symbolState(input: BacktestInput, symbol: string, baseMs: number): SymbolState {
  const cfg = input.config;
  const series = new SymbolSeries(input.candles[symbol]!, input.baseTimeframe, input.history?.[symbol]);
  const features = new TickFeatureTracker(cfg.features.window, cfg.features.minSamples, baseMs);
  return {
    symbol,
    candles: input.candles[symbol]!,
    series,
    features,
    next: 0,
    price: Number.NaN,
    get lastPrice() {
      return Number.isNaN(this.price) ? null : this.price;
    },
    get zRet() {
      return this.tick.zRet;
    },
    get zVol() {
      return this.tick.zVol;
    },
    tick: new LazyTick(symbol, features),
    path: [0, 0, 0, 0],
    review: { decisionCandles: (at) => series.closed(cfg.gate.decisionTimeframe, at, 60), btcHourly: () => [] },
    material: warmedMateriality(input, symbol, series, features, baseMs),
    perpSlot: perpSlot(symbol),
    funding: cfg.market.type === "futures" ? (input.funding?.[symbol] ?? []) : [],
    fundingNext: 0,
  };
}

/**
 * The base candles of the warm-up history a ticker would have bootstrapped at the replay's start (the day so far and the
 * features' window) through the tick features and the materiality check, as the ticker takes them (`warmStart`).
 */
function warmedMateriality(input: BacktestInput, symbol: string, series: SymbolSeries, features: TickFeatureTracker, baseMs: number): MaterialityState {
  const history = input.history?.[symbol]?.[input.baseTimeframe];
  const start = input.candles[symbol]![0]?.t;
  if (!history?.length || start === undefined) return initialMateriality();
  const from = Math.min(bucketStart(start, "1d"), start - (input.config.features.window + 1) * baseMs);
  const minutes = history.filter((c) => c.t >= from && c.t < start);
  const gate = input.config.gate;
  return warmStart(features, initialMateriality(), symbol, minutes, { material: gate.material, decisionTimeframe: gate.decisionTimeframe }, (tf, n) => series.closed(tf, start, n), baseMs).material;
}

/** Every base candle open time of any symbol, ascending, once each: a merge of the ascending lists. */
function replayTimes(candles: Record<string, Candle[]>): number[] {
  const lists = Object.values(candles);
  const next = lists.map(() => 0);
  const times: number[] = [];
  for (;;) {
    let t = Infinity;
    for (let j = 0; j < lists.length; j++) {
      const c = lists[j]![next[j]!];
      if (c !== undefined && c.t < t) t = c.t;
    }
    if (t === Infinity) return times;
    times.push(t);
    for (let j = 0; j < lists.length; j++) while (lists[j]![next[j]!]?.t === t) next[j]!++;
  }
}

/** What closed with a base candle, for the materiality check (read only): none, the hour, the decision timeframe, both. */
const CLOSED_NOW = [
  { hour: false, decision: false },
  { hour: true, decision: false },
  { hour: false, decision: true },
  { hour: true, decision: true },
] as const;

/** The open positions' value in equity (a spot holding's market value; a futures position's margin and P&L) and their gross exposure. */
function openPositions(book: AccountBook): { value: number; exposure: number } {
  let value = 0;
  let exposure = 0;
  for (const id in book.positions) {
    const p = book.positions[id]!;
    if (p.status !== "open") continue;
    value += positionValue(p, p.lastPrice);
    exposure += positionExposure(p, p.lastPrice);
  }
  return { value, exposure };
}

/**
 * Event-driven replay of candles through the engine's own core: the gate on every price of every
 * candle's path (open, the two extremes, close), the decider when it opens, the account's risk checks,
 * the position lifecycle (orders fill at the next price: the next path point, i.e. the next candle's
 * open for a decision taken at a close), the safety layer and reviews, the learner. Only the clock
 * (candle times) and the data source differ from the actors.
 */
export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const cfg = input.config;
  const baseMs = TIMEFRAME_MS[input.baseTimeframe];
  const decisionMs = TIMEFRAME_MS[cfg.gate.decisionTimeframe];
  if (decisionMs < baseMs || decisionMs % baseMs !== 0) {
    throw new Error(
      `the decision timeframe ${cfg.gate.decisionTimeframe} must be a multiple of the base timeframe ${input.baseTimeframe}: set gate.decisionTimeframe to ${input.baseTimeframe} or coarser`,
    );
  }
  const states: SymbolState[] = Object.keys(input.candles).map((symbol) => symbolState(input, symbol, baseMs));
  const btc = states.find((s) => s.symbol === "BTC/USDT");
  for (const s of states) s.review.btcHourly = (at) => btc?.series.closed("1h", at, 3) ?? [];
  const times = replayTimes(input.candles);
  const from = times[0] ?? 0;
  const to = (times[times.length - 1] ?? 0) + baseMs;

  let book: AccountBook = newAccountBook(input.initialCash, from);
  let gate: GateState = initialGateState();
  let learner = emptyLearnerState(AGENT_NAMES, cfg.learn);
  /** Open positions by slot (`slotOf`): a symbol's position, and a carry's perpetual leg beside it. */
  const positions = new Map<string, PositionState>();
  /** Carry legs open: only while there are any does a price also look for a symbol's perpetual leg. */
  let carryLegs = 0;
  const trades: BacktestTrade[] = [];
  const fills: BacktestFill[] = [];
  const decisions: BacktestDecision[] = [];
  // One point per replay time, written by index.
  const equity: BacktestEquityPoint[] = new Array<BacktestEquityPoint>(times.length);
  const stats = { baseCandles: 0, ticks: 0, gateOpens: 0, quantTrainings: 0, regimeFits: 0, movesAlreadyDecided: 0, from, to };
  let llmCostUsd = 0;
  const materialMoves: MaterialMove[] = [];
  const fundingPayments: BacktestFundingPayment[] = [];
  /** Gate events raised while a price is handled (a position at risk, a stop): handed to the gate right after it. */
  const raised: GateEvent[] = [];
  let decisionSeq = 0;

  const ctx = newDecisionContext(input, new Map(states.map((s) => [s.symbol, s])), stats);

  /** A position's step, reported as the PositionActor mails it: the account books it, the learner learns from a close. */
  const settle = (before: PositionState, after: PositionState, now: number) => {
    const r = positionReports(before, after, now);
    if (r.funding) book = bookFunding(book, r.funding);
    if (r.entryFilled) book = bookEntryFilled(book, r.entryFilled, cfg.risk, now);
    if (r.entryFailed) book = releaseEntry(book, r.entryFailed.positionId);
    const closed = r.closed;
    if (!closed) return;
    book = bookClose(book, closed, cfg.risk, now);
    learner = recordOutcome(learner, outcomeOfClose(closed), cfg.learn);
    ctx.trades.push(tradeRecordOf(closed));
    // The episode closes with the position, as the PositionActor records it; later decisions may recall it.
    if (closed.episode) rememberEpisode(ctx.episodes, closed.episode, cfg.memory.recallCandidates);
    const trade: BacktestTrade = {
      id: closed.positionId,
      symbol: closed.symbol,
      side: closed.side ?? "long",
      entryAt: closed.openedAt,
      exitAt: closed.closedAt,
      entryPrice: closed.entryPrice,
      exitPrice: closed.exitPrice,
      qty: closed.qty,
      fees: closed.fees,
      pnl: closed.pnl,
      pnlPct: closed.pnlPct,
      exitKind: closed.exitKind,
      entryReason: after.entryReason,
      exitReason: closed.exitReason,
    };
    if (closed.venue === "futures") trade.funding = closed.funding ?? 0;
    trades.push(trade);
    positions.delete(slotOf(after));
    if (after.group !== undefined) carryLegs--;
    if (r.stop) raised.push({ kind: "material", move: r.stop });
  };

  /**
   * Both legs of a position group or neither: a leg whose partner closed or failed is asked to exit at once, as the
   * AccountActor asks its PositionActor (`orphanedLegs`). The partner shares the symbol: it is in the other slot.
   */
  const closeOrphans = (symbol: string, now: number) => {
    for (const id of orphanedLegs(book)) {
      for (const slot of [symbol, perpSlot(symbol)]) {
        const pos = positions.get(slot);
        if (!pos || pos.id !== id) continue;
        const next = requestExit(pos, "orphan", `orphan leg: the other leg of ${pos.group} is closed`, now);
        if (next !== pos) positions.set(slot, paperBroker(cfg.paper).submit(next, now));
      }
    }
  };

  const decide = async (now: number, layer: string, reason: string, decisionId: string) => {
    stats.gateOpens++;
    const r = await runDecisionStep(ctx, { now, layer, reason, decisionId, book, gate, learner, positions });
    gate = r.gate;
    book = r.book;
    llmCostUsd += r.costUsd;
    for (const p of r.opened) {
      positions.set(slotOf(p), p);
      if (p.group !== undefined) carryLegs++;
    }
    for (const [slot, p] of r.exiting) positions.set(slot, p);
    decisions.push(r.record);
    const pause = input.cooperate?.();
    if (pause) await pause;
  };

  // The id an opening starts; the gate sees it on every price, so it is built only when a decision took the last one.
  const idPrefix = input.portfolio ?? `bt-${input.seed}`;
  let nextId = `${idPrefix}-d1`;
  /** An opening verdict starts decision `nextId`: with `cooperate`, the only awaits of the replay. */
  const open = async (verdict: GateVerdict, now: number) => {
    const id = nextId;
    decisionSeq++;
    nextId = `${idPrefix}-d${decisionSeq + 1}`;
    await decide(now, verdict.layer ?? "?", verdict.reason, id);
  };

  /** An event raised off the price path (a material move, a position at risk) goes to the gate as the actors mail it. */
  const raise = async (event: GateEvent, at: number) => {
    const r = evaluateGate(cfg.gate, gate, event, at, nextId);
    gate = r.state;
    if (event.kind === "material") {
      // A shock the last decision had already seen (its price within shockSigma σ of that decision's) is not a move.
      if (r.verdict.skip === "move already decided") stats.movesAlreadyDecided++;
      else materialMoves.push(event.move);
    }
    if (r.verdict.open) await open(r.verdict, at);
  };

  /** One price for the position in `slot` (if any), as its PositionActor takes it; its reports booked, its events raised. */
  const stepSlot = async (slot: string, s: SymbolState, price: number, at: number, t: number, k: number) => {
    const pos = positions.get(slot);
    if (!pos) return;
    const stepped = stepPosition(pos, price, at, { candleT: t, pathIndex: k }, cfg, s.review);
    if (stepped.fill) fills.push(stepped.fill);
    positions.set(slot, stepped.pos);
    settle(pos, stepped.pos, at);
    if (carryLegs > 0 && stepped.pos.group !== undefined) closeOrphans(s.symbol, at);
    if (stepped.reviewed && stepped.pos.status === "open") raised.push({ kind: "position_review", positionId: stepped.pos.id, symbol: s.symbol, risk: stepped.risk });
    while (raised.length > 0) await raise(raised.shift()!, at);
  };

  /** The funding settlements of `s` due at `at`, applied to its open position as the PositionActor applies them. */
  const settleDue = (s: SymbolState, price: number, at: number) => {
    const from = s.fundingNext;
    while (s.fundingNext < s.funding.length && s.funding[s.fundingNext]!.at <= at) s.fundingNext++;
    for (const slot of carryLegs > 0 ? [s.symbol, s.perpSlot] : [s.symbol]) {
      const pos = positions.get(slot);
      if (!pos) continue;
      const r = settleDueFunding(pos, s.funding.slice(from, s.fundingNext), price, at);
      if (r.state === pos) continue;
      positions.set(slot, r.state);
      settle(pos, r.state, at);
      for (const p of r.payments)
        fundingPayments.push({ positionId: pos.id, symbol: s.symbol, side: pos.side ?? "long", at: p.at, rate: p.rate, markPrice: price, qty: pos.qty, notional: pos.qty * price, amount: p.amount });
    }
  };

  const decisionTf = cfg.gate.decisionTimeframe;
  const observes = materialityObserves(cfg.gate.material, baseMs);
  // The symbols with a candle at the current time (reused slots, `n` of them in use); each one's path is in its state.
  const here: SymbolState[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    let n = 0;
    for (const s of states) {
      const c = s.candles[s.next];
      if (c !== undefined && c.t === t) {
        here[n++] = s;
        candlePathInto(c, s.path);
      }
    }
    const now = t + baseMs;
    const closesDecision = now % decisionMs === 0;
    const closedNow = CLOSED_NOW[now % HOUR === 0 ? (closesDecision ? 3 : 1) : closesDecision ? 2 : 0]!;
    for (let k = 0; k < 4; k++) {
      const at = pathPointTime(t, baseMs, k);
      for (let j = 0; j < n; j++) {
        const s = here[j]!;
        const candle = s.candles[s.next]!;
        const price = s.path[k]!;
        stats.ticks++;
        // The price as the ticker takes it: its market state first (the price and the tick's features a decision the
        // price opens reads), then the positions, then the gate (the minute's close and moves, the tick).
        const tick = s.tick;
        if (k < 3) tick.tick(price, candle.v * (k / 3), at);
        else tick.close(candle, at);
        s.price = price;
        // Futures: the settlements due by this price, each on the position open then, marked at this price.
        if (k === 0 && s.fundingNext < s.funding.length && s.funding[s.fundingNext]!.at <= at) settleDue(s, price, at);
        if (positions.size > 0) {
          await stepSlot(s.symbol, s, price, at, t, k);
          if (carryLegs > 0) await stepSlot(s.perpSlot, s, price, at, t, k);
        }
        if (k === 3) {
          // A close another ticker's decision already covered is skipped by the gate, state unchanged: not asked.
          if (closesDecision && !isCloseCovered(gate, now)) {
            const close: GateEvent = { kind: "candle_close", symbol: s.symbol, tf: decisionTf, closeTime: now };
            const r = evaluateGate(cfg.gate, gate, close, at, nextId);
            gate = r.state;
            if (r.verdict.open) await open(r.verdict, at);
          }
          // The closed candle through the materiality check, its moves mailed after its closes (as the ticker does); with
          // a config under which it observes nothing, it would answer the (unobserved) state unchanged: not asked.
          if (observes) {
            const m = materialStep(s.material, s.symbol, candle, baseMs, cfg.gate.material, decisionTf, closedNow, (tf, n) => s.series.closed(tf, now, n));
            s.material = m.state;
            for (const move of m.moves) await raise({ kind: "material", move }, at);
          }
        }
        const r = evaluateTick(cfg.gate, gate, tick, at, nextId);
        if (r !== null) {
          gate = r.state;
          if (r.verdict.open) await open(r.verdict, at);
        }
      }
    }
    for (let j = 0; j < n; j++) {
      const s = here[j]!;
      s.next++;
      if (!Number.isNaN(s.price) && (positions.has(s.symbol) || (carryLegs > 0 && positions.has(s.perpSlot)))) book = markPrice(book, s.symbol, s.price);
    }
    stats.baseCandles += n;
    book = updateTradingState(book, cfg.risk, now);
    const held = openPositions(book);
    // Stamped 1 ms before the close so a daily candle's equity falls on its own UTC day.
    equity[i] = { t: now - 1, equity: book.cash + held.value, cash: book.cash, exposure: held.exposure };
    if (input.onProgress && (i % 5000 === 0 || i === times.length - 1)) input.onProgress(i + 1, times.length);
    if (input.cooperate && i % 500 === 499) {
      const pause = input.cooperate();
      if (pause) await pause;
    }
  }
  return { trades, fills, decisions, equity, book, learner, llmCostUsd, materialMoves, fundingPayments, stats };
}
