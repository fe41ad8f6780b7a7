import { acceptEntry } from "../account/accept-entry";
import { equity, exposure, type AccountBook } from "../account/ledger";
import type { QuantModel } from "../agents/quant/model";
import { alignedContiguousHistory } from "../agents/quant/contiguous";
import { FEATURE_WARMUP } from "../agents/quant/feature-names";
import { trainQuantModel } from "../agents/quant/train";
import { AGENT_NAMES, type AgentWeights } from "../agents/types";
import { checkSymbols } from "../decide/answer";
import { clampDecision } from "../decide/clamp";
import { executionOrder, type Decision } from "../decide/decision";
import { entryContextOf } from "../decide/entry-context";
import { evidenceOf, withEvidence } from "../decide/evidence";
import { addUsage, budgetRefusal, capRefusal, emptyDay, type CallPurpose, type DayUsage } from "../decide/cost";
import type { Usage } from "../decide/answer";
import { FUNDING_SETTLEMENTS_SEEN } from "../decide/funding-window";
import { pipelineInputs, regimeKeys } from "../decide/pipeline-inputs";
import { ruleDecision } from "../decide/rule-decision";
import { buildSnapshot, DerivedValues, snapshotLimits, type Limits, type MarketSnapshot, type SnapshotInput, type TickerInput } from "../decide/snapshot";
import { paperBroker } from "../execution/brokers";
import { newPosition, requestExit, type PositionState } from "../execution/position";
import { completeDecision, failDecision, type GateState } from "../gate";
import type { LearnerState } from "../learn/state";
import { sampleWeights } from "../learn/sample";
import type { Timeframe } from "../market/timeframe";
import type { DailyRegimeModel } from "../regime/daily-model";
import { regimeWithModel } from "../regime/regime-with-model";
import type { CombinedRegime } from "../regime/types";
import { seededRng, seedFrom } from "../util/rng";
import type { SymbolSeries } from "./series";
import type { Episode } from "../memory/episodes";
import type { BacktestDecision, BacktestInput, StampedRate } from "./types";

const DAY = 86_400_000;

export interface DecisionContext {
  input: BacktestInput;
  states: Map<string, { series: SymbolSeries; lastPrice: number | null; zRet: number; zVol: number }>;
  regimeModels: Map<string, DailyRegimeModel | null>;
  regimes: Map<string, { through: number; regime: CombinedRegime | null }>;
  quant: { model: QuantModel | null; lastTried: number | null };
  memory: { value: string; at: number } | null;
  /** The run's closed episodes a decision may recall, as the gate loads them from D1 (`rememberEpisode` keeps the newest). */
  episodes: Episode[];
  /** Indicators and other values derived from the run's (immutable) candles, shared across its decisions. */
  derived: DerivedValues;
  /** The timeframes a snapshot carries (1h, 4h, 1d and the decision timeframe) and the limits it states: fixed for a run. */
  snapshotTimeframes: readonly Timeframe[];
  limits: Limits;
  stats: { regimeFits: number; quantTrainings: number };
  /** Model calls and spend per UTC day of replay time: the governor's call cap, review share and budget, as live. */
  llmDays: Map<number, DayUsage>;
}

/** The decision context of a run, before its first decision. */
export function newDecisionContext(input: BacktestInput, states: DecisionContext["states"], stats: DecisionContext["stats"]): DecisionContext {
  const cfg = input.config;
  return {
    input,
    states,
    regimeModels: new Map(),
    regimes: new Map(),
    quant: { model: null, lastTried: null },
    memory: null,
    episodes: [],
    derived: new DerivedValues(),
    snapshotTimeframes: [...new Set<Timeframe>(["1h", "4h", "1d", cfg.gate.decisionTimeframe])],
    limits: snapshotLimits(cfg),
    stats,
    llmDays: new Map(),
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

function snapshotInput(ctx: DecisionContext, s: DecisionStepState, regimes: Record<string, CombinedRegime | null>): SnapshotInput {
  const cfg = ctx.input.config;
  const tickers: TickerInput[] = [];
  for (const [symbol, st] of ctx.states) {
    const candles: TickerInput["candles"] = {};
    for (const tf of ctx.snapshotTimeframes) candles[tf] = st.series.closed(tf, s.now, tf === "1d" ? cfg.regime.dailyHistory : 120);
    tickers.push({
      symbol,
      candles,
      price: st.lastPrice === null ? null : { value: st.lastPrice, at: s.now },
      features: { zRet: st.zRet, zVol: st.zVol, at: s.now },
      funding: recentFunding(ctx.input.funding?.[symbol], s.now),
      regime: regimes[symbol] ?? null,
    });
  }
  const open = Object.values(s.book.positions).filter((p) => p.status === "open");
  return {
    portfolio: "backtest",
    decisionTimeframe: cfg.gate.decisionTimeframe,
    wake: { layer: s.layer, reason: s.reason },
    tickers,
    account: {
      cash: s.book.cash,
      equity: equity(s.book),
      exposure: exposure(s.book),
      tradingState: s.book.tradingState,
      at: s.now,
      positions: open.map((p) => ({ id: p.id, symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt })),
    },
    recentTrades: [],
    learner: { agents: [], at: s.now },
    memory: ctx.memory,
    episodes: { candidates: ctx.episodes, k: cfg.memory.recallK, maxChars: cfg.memory.recallMaxChars },
    limits: ctx.limits,
    trendingEfficiency: cfg.strategy.trendingEfficiency,
  };
}

/** The learner's quant ranker, retrained on the same schedule and data rule as the LearnerActor's. */
function quantModel(ctx: DecisionContext, now: number): QuantModel | null {
  const cfg = ctx.input.config;
  if (!cfg.quant.enabled || cfg.rules.decider !== "synthesizer") return null;
  const o = cfg.quant.options;
  const last = ctx.quant.model?.trainedAt ?? ctx.quant.lastTried;
  if (last !== null && now - last < cfg.quant.retrainEveryDays * DAY) return ctx.quant.model;
  ctx.quant.lastTried = now;
  const daily: Record<string, ReturnType<SymbolSeries["closed"]>> = {};
  for (const [symbol, st] of ctx.states) daily[symbol] = st.series.closed("1d", now, 1000);
  const history = alignedContiguousHistory(daily, FEATURE_WARMUP + o.horizonDays + o.purgeDays + 30);
  if (history && (ctx.quant.model === null || history.asOf - ctx.quant.model.trainedAt >= cfg.quant.retrainEveryDays * DAY)) {
    const model = trainQuantModel(history.candles, history.asOf, o);
    ctx.stats.quantTrainings++;
    if (model) ctx.quant.model = model;
  }
  return ctx.quant.model;
}

/**
 * Each ticker's regime at `now` from its daily candles. The regime reads daily closes only, so while no
 * new daily candle closed the last answer stands (as `regimeWithModel` itself decides, without handing
 * it the daily history again).
 */
function regimesAt(ctx: DecisionContext, now: number): Record<string, CombinedRegime | null> {
  const cfg = ctx.input.config;
  const regimes: Record<string, CombinedRegime | null> = {};
  for (const [symbol, st] of ctx.states) {
    const last = ctx.regimes.get(symbol) ?? null;
    if (last !== null && last.through === st.series.lastClosedOpen("1d", now)) {
      regimes[symbol] = last.regime;
      continue;
    }
    const cached = ctx.regimeModels.get(symbol) ?? null;
    const r = regimeWithModel(st.series.closed("1d", now, cfg.regime.dailyHistory), now, { hmm: cfg.regime.hmm, seed: seedFrom(symbol), cached, last });
    if (r.model !== cached) ctx.stats.regimeFits++;
    ctx.regimeModels.set(symbol, r.model);
    if (r.through !== null) ctx.regimes.set(symbol, { through: r.through, regime: r.regime });
    regimes[symbol] = r.regime;
  }
  return regimes;
}

/**
 * The learner's weights per regime key, sampled for this decision id as the LearnerActor does. Only the
 * synthesizer reads them: for a single strategy the defaults stand in, unsampled (the sampling is
 * seeded per decision and key, so skipping it changes no other decision).
 */
function learnerWeights(
  ctx: DecisionContext,
  s: DecisionStepState,
  snapshot: MarketSnapshot,
  regimes: Record<string, CombinedRegime | null>,
): Record<string, { weights: AgentWeights; source: string }> {
  const cfg = ctx.input.config;
  const weights: Record<string, { weights: AgentWeights; source: string }> = {};
  for (const key of regimeKeys(snapshot, regimes)) {
    if (key in weights) continue;
    weights[key] =
      cfg.rules.decider === "synthesizer"
        ? sampleWeights(s.learner, key, AGENT_NAMES, seededRng(seedFrom(`${s.decisionId}:${key}`)), cfg.learn, cfg.synthesizer.defaultWeights)
        : { weights: cfg.synthesizer.defaultWeights, source: "default (not sampled: a single strategy decides)" };
  }
  return weights;
}

interface Answer {
  decision: Decision | null;
  decider: string;
  failure: string | null;
  costUsd: number;
  usage?: Usage | null;
  called?: boolean;
  /** Why the model was not asked (the day's budget, call cap or review share): the rules decided. */
  note?: string | null;
}

/** Why the governor would not let a model call go now (the day's budget, call cap, or the reviews' share), or null. */
function llmRefusal(ctx: DecisionContext, s: DecisionStepState): string | null {
  const llm = ctx.input.config.llm;
  const key = s.now - (s.now % DAY);
  const day = ctx.llmDays.get(key) ?? emptyDay(key);
  return budgetRefusal(day.costUsd, { calls: 0, usd: 0 }, llm.dailyBudgetUsd) ?? capRefusal(day, llm, s.layer === "review" ? "review" : "decision")?.reason ?? null;
}

/** The decider's answer, checked against the snapshot's tickers and clamped to its limits. */
async function answer(ctx: DecisionContext, s: DecisionStepState, input: SnapshotInput, snapshot: MarketSnapshot, regimes: Record<string, CombinedRegime | null>): Promise<Answer> {
  const cfg = ctx.input.config;
  let a: Answer;
  // Every decision computes the engine's evidence, as the gate does: an external decider receives it in the snapshot.
  const r = ruleDecision(snapshot, pipelineInputs(input, snapshot, regimes, learnerWeights(ctx, s, snapshot, regimes), quantModel(ctx, s.now), cfg.strategies, ctx.derived), cfg);
  const refused = ctx.input.external ? llmRefusal(ctx, s) : null;
  if (ctx.input.external && refused === null) {
    a = await ctx.input.external(withEvidence(snapshot, evidenceOf(r.votes)));
    // A model's call counts against the day (a replayed answer calls none).
    if (a.called) {
      const key = s.now - (s.now % DAY);
      const purpose: CallPurpose = s.layer === "review" ? "review" : "decision";
      ctx.llmDays.set(key, addUsage(ctx.llmDays.get(key) ?? emptyDay(key), a.usage ?? null, a.costUsd, a.decision === null, purpose));
    }
  } else if (refused !== null) {
    a = { decision: r.decision, decider: r.decider, failure: null, costUsd: 0, note: `model not called (${refused}): rule pipeline decides` };
  } else {
    a = { decision: r.decision, decider: r.decider, failure: null, costUsd: 0 };
  }
  if (!a.decision) return a;
  const bad = checkSymbols(a.decision, snapshot);
  return bad ? { ...a, decision: null, failure: bad } : { ...a, decision: clampDecision(a.decision, snapshot).decision };
}

/**
 * One decision, as the GateActor takes it: regimes, the point-in-time snapshot, the decider (the rule
 * pipeline with weights sampled from the learner for this decision id, or Claude/replay), clamps,
 * then SELLs before BUYs through the account's own entry check.
 */
export async function runDecisionStep(ctx: DecisionContext, s: DecisionStepState) {
  const cfg = ctx.input.config;
  const regimes = regimesAt(ctx, s.now);
  const input = snapshotInput(ctx, s, regimes);
  // Backtests keep no decision log, and the rule deciders read candles, account and limits only: their
  // snapshot goes without indicators; a BUY's entry context reads the decision timeframe's (`withIndicators`).
  const snapshot = buildSnapshot(input, s.now, { indicators: ctx.input.external ? "all" : "none", derived: ctx.derived });
  let withIndicators: MarketSnapshot | null = ctx.input.external ? snapshot : null;
  const { decision, decider, failure, costUsd, usage, called, note } = await answer(ctx, s, input, snapshot, regimes);
  let gate: GateState;
  let book = s.book;
  const opened: PositionState[] = [];
  const exiting: [string, PositionState][] = [];
  if (!decision) {
    gate = failDecision(cfg.gate, s.gate, s.decisionId, s.now);
  } else {
    for (const d of executionOrder(decision)) {
      if (d.action === "SELL") {
        const pos = s.positions.get(d.ticker);
        if (!pos || pos.status !== "open") continue;
        const next = requestExit(pos, "decision", d.reasoning, s.now);
        exiting.push([d.ticker, paperBroker(cfg.paper).submit(next, s.now)]);
      } else if (d.action === "BUY") {
        const a = acceptEntry(book, { decisionId: s.decisionId, symbol: d.ticker, positionPct: d.position_pct }, cfg, s.now);
        book = a.book;
        if (!a.accepted) continue;
        withIndicators ??= buildSnapshot(input, s.now, { indicators: "decision-timeframe", derived: ctx.derived });
        const pos = newPosition(
          {
            id: a.positionId,
            portfolio: "backtest",
            symbol: d.ticker,
            decisionId: s.decisionId,
            agent: decider,
            reason: d.reasoning,
            notional: a.notional,
            entryContext: entryContextOf(withIndicators, d.ticker, cfg.gate.decisionTimeframe, d.signal_weights),
          },
          s.now,
        );
        opened.push(paperBroker(cfg.paper).submit(pos, s.now));
      }
    }
    if (decision.memory_update !== null) ctx.memory = { value: decision.memory_update, at: s.now };
    gate = completeDecision(
      cfg.gate,
      s.gate,
      {
        decisionId: s.decisionId,
        nextCheckSeconds: decision.next_check_seconds,
        wakeConditions: decision.wake_conditions,
        prices: Object.fromEntries(snapshot.tickers.map((t) => [t.symbol, t.price.value])),
      },
      s.now,
    );
  }
  const record: BacktestDecision = {
    id: s.decisionId,
    at: s.now,
    layer: s.layer,
    reason: s.reason,
    decider,
    failure,
    actions: (decision?.decisions ?? []).filter((d) => d.action !== "HOLD").map((d) => ({ ticker: d.ticker, action: d.action, positionPct: d.position_pct })),
    reviewed: input.account.positions.length,
    llmCalled: called ?? false,
    usage: usage ?? null,
    note: note ?? null,
  };
  return { gate, book, opened, exiting, record, costUsd };
}
