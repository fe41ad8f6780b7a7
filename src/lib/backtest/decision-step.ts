import { agentOf } from "../decide/decider";
import { equity, exposure, type AccountBook } from "../account/ledger";
import { entryRequested, exitRequested } from "../account/reactions";
import type { QuantModel } from "../agents/quant/model";
import { AGENT_NAMES } from "../agents/types";
import { decideOnSnapshot, decisionOrders, gateAfterDecision, type DecisionPorts } from "../decide/decision-cycle";
import { entryContextOf } from "../decide/entry-context";
import { FUNDING_SETTLEMENTS_SEEN } from "../decide/funding-window";
import { LlmGovernor } from "../decide/llm-governor";
import { agentRecords, recentTrades, type TradeRecord } from "../learn/trade-records";
import {
  buildSnapshot,
  RECENT_TRADES,
  DerivedValues,
  snapshotCandleLimits,
  snapshotAccount,
  snapshotLimits,
  type Limits,
  type MarketSnapshot,
  type SnapshotInput,
  type TickerInput,
} from "../decide/snapshot";
import { paperBroker } from "../execution/brokers";
import { newPosition, requestExit, type PositionState } from "../execution/position";
import type { GateState } from "../gate";
import type { LearnerState } from "../learn/state";
import { sampleRegimeWeights } from "../learn/sample";
import { regimeEdges } from "../learn/edge";
import { retrainQuant } from "../learn/quant-retrain";
import type { Timeframe } from "../market/timeframe";
import { RegimeCache } from "../regime/regime-cache";
import { MemoryKeyValue } from "../util/key-value";
import type { Episode } from "../memory/episodes";
import type { SymbolSeries } from "./series";
import type { BacktestDecision, BacktestInput, StampedRate } from "./types";

const DAY = 86_400_000;

export interface DecisionContext {
  input: BacktestInput;
  states: Map<string, { series: SymbolSeries; lastPrice: number | null; zRet: number; zVol: number }>;
  /** Each ticker's regime and fitted HMM, kept between daily closes as the GateActor keeps them. */
  regimes: RegimeCache;
  quant: { model: QuantModel | null; lastTried: number | null };
  memory: { value: string; at: number } | null;
  /** The run's closed episodes a decision may recall, as the gate loads them from D1 (`rememberEpisode` keeps the newest). */
  episodes: Episode[];
  /** The run's closed trades as the learner records them (its snapshot's recent trades and agents' records come from these). */
  trades: TradeRecord[];
  tradeViews?: { count: number; recent: TradeRecord[]; agents: SnapshotInput["learner"]["agents"] };
  /** Indicators and other values derived from the run's (immutable) candles, shared across its decisions. */
  derived: DerivedValues;
  /** How many closed candles of each timeframe a snapshot carries, as the gate asks its tickers (`snapshotCandleLimits`). */
  snapshotCandles: [Timeframe, number][];
  limits: Limits;
  stats: { regimeFits: number; quantTrainings: number };
  /** The governor of the run's model calls (call cap, review share, budget, breaker), on replay time. */
  governor: LlmGovernor;
}

/** The decision context of a run, before its first decision. */
export function newDecisionContext(input: BacktestInput, states: DecisionContext["states"], stats: DecisionContext["stats"]): DecisionContext {
  const cfg = input.config;
  return {
    input,
    states,
    // A regime that cannot be detected ends the run with the reason, where the gate logs it and decides without.
    regimes: new RegimeCache(new MemoryKeyValue(), cfg.regime.hmm, (_symbol, err) => {
      throw err;
    }),
    quant: { model: null, lastTried: null },
    memory: null,
    episodes: [],
    trades: [],
    derived: new DerivedValues(),
    snapshotCandles: Object.entries(snapshotCandleLimits(cfg)) as [Timeframe, number][],
    limits: snapshotLimits(cfg),
    stats,
    governor: new LlmGovernor(new MemoryKeyValue(), cfg.llm, input.decider?.mode === "claude"),
  };
}

export interface DecisionStepState {
  now: number;
  layer: string;
  reason: string;
  decisionId: string;
  book: AccountBook;
  gate: GateState;
  learner: LearnerState;
  /** The run's positions by slot (`slotOf`): the symbol, and for a carry's perpetual leg `<symbol>#perp`. */
  positions: Map<string, PositionState>;
}

function recentFunding(points: readonly StampedRate[] | undefined, now: number): StampedRate[] {
  if (!points || points.length === 0) return [];
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.at <= now) lo = mid + 1;
    else hi = mid;
  }
  return points.slice(Math.max(0, lo - FUNDING_SETTLEMENTS_SEEN), lo);
}

/** The recent trades and the agents' records a snapshot carries, as the learner answers them; computed again only after a close. */
function tradeViews(ctx: DecisionContext, now: number): Pick<SnapshotInput, "recentTrades" | "learner"> {
  const n = ctx.trades.length;
  if (ctx.tradeViews?.count !== n) {
    const agents = agentRecords(ctx.trades).map((a) => ({ agent: a.agent, trades: a.trades, wins: a.wins, losses: a.losses }));
    ctx.tradeViews = { count: n, recent: recentTrades(ctx.trades, RECENT_TRADES), agents };
  }
  return { recentTrades: ctx.tradeViews.recent, learner: { agents: ctx.tradeViews.agents, at: now } };
}

/** What the gate gathers from its tickers, account, learner and D1, read from the run's memory at `now`. */
function snapshotInput(ctx: DecisionContext, s: DecisionStepState): SnapshotInput {
  const cfg = ctx.input.config;
  const tickers: TickerInput[] = [];
  for (const [symbol, st] of ctx.states) {
    const candles: TickerInput["candles"] = {};
    for (const [tf, n] of ctx.snapshotCandles) candles[tf] = st.series.closed(tf, s.now, n);
    tickers.push({
      symbol,
      candles,
      price: st.lastPrice === null ? null : { value: st.lastPrice, at: s.now },
      features: { zRet: st.zRet, zVol: st.zVol, at: s.now },
      funding: recentFunding(ctx.input.funding?.[symbol], s.now),
      derivatives: ctx.input.derivatives?.[symbol] ?? null,
    });
  }
  return {
    portfolio: "backtest",
    decisionTimeframe: cfg.gate.decisionTimeframe,
    wake: { layer: s.layer, reason: s.reason },
    tickers,
    account: snapshotAccount({ cash: s.book.cash, positions: Object.values(s.book.positions), tradingState: s.book.tradingState }, s.now),
    ...tradeViews(ctx, s.now),
    memory: ctx.memory,
    episodes: { candidates: ctx.episodes, k: cfg.memory.recallK, maxChars: cfg.memory.recallMaxChars },
    limits: ctx.limits,
    trendingEfficiency: cfg.strategy.trendingEfficiency,
  };
}

/**
 * The learner's quant ranker, retrained by the LearnerActor's rule (`retrainQuant`); looked at no more than once per
 * `retrainEveryDays` of replay time after a try, where the actor looks every `checkEveryMs` of wall time.
 */
function quantModel(ctx: DecisionContext, now: number): QuantModel | null {
  const cfg = ctx.input.config;
  const last = ctx.quant.model?.trainedAt ?? ctx.quant.lastTried;
  if (last !== null && now - last < cfg.quant.retrainEveryDays * DAY) return ctx.quant.model;
  ctx.quant.lastTried = now;
  const daily: Record<string, ReturnType<SymbolSeries["closed"]>> = {};
  for (const [symbol, st] of ctx.states) daily[symbol] = st.series.closed("1d", now, 1000);
  const r = retrainQuant(daily, ctx.quant.model?.trainedAt ?? null, cfg.quant);
  if (r.trained || r.reason === "too short") ctx.stats.quantTrainings++;
  if (r.trained) ctx.quant.model = r.model;
  return ctx.quant.model;
}

/** What a backtest's decision reaches: the run's regimes, learner, quant ranker and model (or recording), in memory. */
function backtestPorts(ctx: DecisionContext, s: DecisionStepState): DecisionPorts {
  const input = ctx.input;
  const cfg = input.config;
  const d = input.decider;
  const mode = d?.mode ?? "rule";
  return {
    cfg: mode === cfg.llm.decider ? cfg : { ...cfg, llm: { ...cfg.llm, decider: mode } },
    governor: ctx.governor,
    wallNow: () => s.now,
    ask: d?.mode === "claude" ? d.ask : null,
    recorded: (hash, snapshot) => (d?.mode === "replay" ? d.recorded(hash, snapshot) : null),
    hash: (snapshot) => (d ? d.hash(snapshot) : Promise.reject(new Error("a backtest without a model hashes no snapshot"))),
    regime: (symbol, daily, now) => ctx.regimes.detect(symbol, daily, now),
    weights: (keys, decisionId) => sampleRegimeWeights(s.learner, keys, decisionId, AGENT_NAMES, cfg.learn, cfg.synthesizer.defaultWeights),
    quantModel: () => quantModel(ctx, s.now),
    strategies: cfg.strategies,
    // Backtests keep no decision log, and the rule deciders read candles, account and limits only: their snapshot goes
    // without indicators (a BUY's entry context builds the decision timeframe's); a model reads them all.
    snapshot: { indicators: d ? "all" : "none", derived: ctx.derived },
  };
}

/**
 * One decision, as the GateActor takes it (`decideOnSnapshot`, `decisionOrders`, the account's `entryRequested` and
 * `exitRequested`, `gateAfterDecision`), with the run's memory in place of the actors' storage and mail.
 */
export async function runDecisionStep(ctx: DecisionContext, s: DecisionStepState) {
  const cfg = ctx.input.config;
  const input = snapshotInput(ctx, s);
  const fitsBefore = ctx.regimes.fits;
  const r = await decideOnSnapshot(input, s.now, s.decisionId, s.layer === "review" ? "review" : "decision", backtestPorts(ctx, s));
  ctx.stats.regimeFits += ctx.regimes.fits - fitsBefore;
  const { attempt, snapshot } = r;
  const decision = attempt.decision;
  let book = s.book;
  const opened: PositionState[] = [];
  const exiting: [string, PositionState][] = [];
  if (decision) {
    let withIndicators: MarketSnapshot | null = ctx.input.decider ? snapshot : null;
    const entryContext = (ticker: string, signals: Record<string, number>) => {
      withIndicators ??= buildSnapshot(input, s.now, { indicators: "decision-timeframe", derived: ctx.derived });
      return entryContextOf(withIndicators, ticker, cfg.gate.decisionTimeframe, signals);
    };
    const edges = cfg.risk.sizing.mode === "kelly" ? regimeEdges(s.learner) : null;
    for (const o of decisionOrders(decision, { decisionId: s.decisionId, at: s.now, agent: agentOf(attempt) }, entryContext, edges)) {
      if (o.action === "SELL") {
        // Every open position in the symbol: both legs of a carry.
        const x = exitRequested(book, o.exit);
        for (const slot of [o.ticker, perpSlot(o.ticker)]) {
          const pos = s.positions.get(slot);
          if (!pos || !x.exits.includes(pos.id)) continue;
          const next = requestExit(pos, "decision", o.exit.reason, s.now);
          if (next !== pos) exiting.push([slot, paperBroker(cfg.paper).submit(next, s.now)]);
        }
      } else if (o.action !== "HOLD") {
        const e = entryRequested(book, o.entry, "backtest", cfg, s.now);
        book = e.book;
        for (const open of e.opens) opened.push(paperBroker(cfg.paper).submit(newPosition(open, s.now), s.now));
      }
    }
    if (decision.memory_update !== null) ctx.memory = { value: decision.memory_update, at: s.now };
    if (attempt.model !== null && ctx.input.decider?.mode === "claude") ctx.input.decider.record?.(await r.hash(), decision);
  }
  const gate = gateAfterDecision(cfg.gate, s.gate, s.decisionId, decision, snapshot, s.now);
  const record: BacktestDecision = {
    id: s.decisionId,
    at: s.now,
    layer: s.layer,
    reason: s.reason,
    decider: attempt.decider,
    failure: attempt.failure,
    actions: (decision?.decisions ?? []).filter((d) => d.action !== "HOLD").map((d) => ({ ticker: d.ticker, action: d.action, positionPct: d.position_pct })),
    reviewed: input.account.positions.length,
    llmCalled: attempt.model !== null,
    usage: attempt.usage,
    note: ctx.input.decider ? attempt.note : null,
  };
  return { gate, book, opened, exiting, record, costUsd: attempt.costUsd };
}

/** The backtester's key of a carry's perpetual leg in `symbol` (the spot leg, like any other position, is keyed by its symbol). */
export function perpSlot(symbol: string): string {
  return `${symbol}#perp`;
}

/** Where the backtester keeps a position: its symbol, or the perpetual-leg slot for a carry's short leg. */
export function slotOf(p: Pick<PositionState, "symbol" | "group" | "venue">): string {
  return p.group !== undefined && p.venue === "futures" ? perpSlot(p.symbol) : p.symbol;
}
