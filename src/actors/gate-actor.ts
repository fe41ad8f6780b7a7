import { errorMessage } from "../adapters/log";
import { sha256Hex } from "../adapters/hash";
import { ClaudeClient } from "../adapters/llm/claude-client";
import { executionOrder, type Decision } from "../lib/decide/decision";
import { decisionKeyText } from "../lib/decide/decision-key";
import { withEvidence } from "../lib/decide/evidence";
import type { EngineConfig, LlmConfig } from "../lib/config";
import { promptVersionOf } from "../lib/decide/prompt";
import { withDeciderSettings, type DeciderSettings } from "../lib/decide/decider-settings";
import { buildSnapshot, laggingSymbols, type MarketSnapshot, type SnapshotInput } from "../lib/decide/snapshot";
import {
  completeDecision,
  evaluateGate,
  failDecision,
  foldLegacyCounts,
  storedGateState,
  verdictKey,
  type VerdictCounts,
  type GateEvent,
  type GateLayer,
  type GateState,
  type GateVerdict,
  type MaterialMove,
} from "../lib/gate";
import { decisionRow, reviewRow, voteRows, type DecisionOutcomeRow } from "./gate/decision-row";
import { gatherSnapshotInput, newestTime } from "./gate/gather-snapshot";
import { LlmGovernor } from "../lib/decide/llm-governor";
import { reviewPosition, type ReviewOutcome, type ReviewRequest } from "./gate/review-position";
import { entryContextOf } from "../lib/decide/entry-context";
import { runDecider, type DecisionAttempt } from "./gate/run-decider";
import { RegimeCache } from "./gate/regime-cache";
import { runRulePipeline } from "./gate/rule-pipeline";
import type { QuantModel } from "../lib/agents/quant/model";
import type { CombinedRegime } from "../lib/regime/types";
import type { StrategyConfigs } from "../lib/strategy/strategy-configs";
import { StrategySettings, type StrategyView } from "./gate/strategy-settings";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { CandleClosed, MarketTick } from "./messages";
import { actorName } from "./names";

/** The portfolio's gate: its symbols, and its own decider settings (each overrides the config's `llm` for it alone). */
export interface GateSetup extends Omit<DeciderSettings, "decider"> {
  portfolio: string;
  venue: string;
  symbols: string[];
  /** Overrides the configured decider for this portfolio. */
  decider?: LlmConfig["decider"];
}

interface DecideJob {
  decisionId: string;
  layer: GateLayer;
  reason: string;
  at: number;
  /** Wall time the decision began waiting for a market behind the others (`gate.snapshotWaitMs`). */
  waitingSinceWall?: number;
}

/** How soon a decision waiting for a market behind the others looks again. */
const SNAPSHOT_RETRY_MS = 500;

export interface VerdictRecord {
  at: number;
  layer: GateLayer | null;
  open: boolean;
  suppressed: boolean;
  reason: string;
  decisionId: string | null;
}

export type DecisionOutcome = DecisionOutcomeRow;

const WATCHDOG_EVERY_MS = 60_000;

/** A decider's answer kept until its decision is executed, so a resumed decision never asks again. */
interface DecidedJob {
  snapshot: MarketSnapshot;
  hash: string;
  attempt: DecisionAttempt;
  at: number;
}

const decidedKey = (decisionId: string) => `decided:${decisionId}`;

const RECENT = 50;

/** Agent votes and strategy signals of a decision, per symbol (stream `decision.votes`, the dry run). */
function votesView(attempt: DecisionAttempt) {
  return (attempt.votes ?? []).map((v) => ({
    symbol: v.symbol,
    regime: v.regime?.learnerKey ?? null,
    score: v.result.score,
    scores: v.scores,
    weights: v.weights.weights,
    weightsSource: v.weights.source,
    signals: v.signals.map((g) => ({ strategy: g.strategy, action: g.action, confidence: g.confidence, reason: g.reason })),
  }));
}

/**
 * The AdaptiveGate of one portfolio. Ticks and candle closes from every ticker arrive here; almost
 * all are skipped. When a layer opens it, the decision runs in the alarm (single-flight, retried if
 * the actor dies mid-way): snapshot → decider → account.
 */
/** The gate's timers: a decision to run (its job), the decider's own timer, the watchdog. */
type GateTimers = { decide: DecideJob; timer: null; watchdog: null };

export class GateActor extends Actor<GateTimers> {
  protected readonly timerHandlers: TimerHandlers<GateTimers> = {
    decide: (job) => this.runDecision(job),
    timer: async () => {
      await this.apply({ kind: "timer" });
    },
    watchdog: () => this.watchdog(),
  };

  private setup: GateSetup | null = this.kv.get<GateSetup>("setup") ?? null;
  private state: GateState = storedGateState(this.kv.get<GateState>("state"));
  private seq: number = this.kv.get<number>("seq") ?? 0;
  private eventSeq: number = this.kv.get<number>("eventSeq") ?? 0;
  private counts: VerdictCounts = foldLegacyCounts(this.kv.get<VerdictCounts>("counts") ?? {});
  private recent: VerdictRecord[] = this.kv.get<VerdictRecord[]>("recent") ?? [];
  private lastCloses: Record<string, number> = this.kv.get<Record<string, number>>("lastCloses") ?? {};
  private readonly wokeAt = Date.now();
  private lastTickWall: number | null = null;
  private inFlightWall: number | null = null;
  private quotes = new Map<string, MarketTick>();
  private ticksSinceSave = 0;
  private memory: { value: string; at: number } | null = this.kv.get<{ value: string; at: number }>("memory") ?? null;
  // The portfolio's model and budget, read at each admission: a new start may change them.
  private readonly governor = new LlmGovernor(this.kv, () => this.effectiveConfig().llm, Boolean(this.env.ANTHROPIC_API_KEY));
  private readonly claude = this.env.ANTHROPIC_API_KEY ? new ClaudeClient({ apiKey: this.env.ANTHROPIC_API_KEY, baseURL: this.env.ANTHROPIC_BASE_URL, timeoutMs: this.config.llm.timeoutMs }) : null;
  private readonly regimeCache = new RegimeCache(this.kv, this.config, this.log);
  private readonly strategySettings = new StrategySettings(this.kv, this.config.strategies);
  private quantModel: QuantModel | null = null;

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  async configure(setup: GateSetup) {
    this.setup = setup;
    this.kv.put("setup", setup);
    this.timers.scheduleBy("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
    await this.arm();
    return this.status();
  }

  async onTick(tick: MarketTick): Promise<GateVerdict> {
    this.clock.observe(tick.at);
    this.quotes.set(tick.symbol, tick);
    this.lastTickWall = this.clock.wall();
    if (++this.ticksSinceSave >= 500) this.saveCounts();
    return this.apply({ kind: "tick", symbol: tick.symbol, price: tick.price, zRet: tick.zRet, zVol: tick.zVol });
  }

  /** Delivered through the ticker's mailbox, so it may arrive twice: the second is ignored. */
  async onCandleClose(close: CandleClosed): Promise<GateVerdict | null> {
    const key = `${close.symbol}:${close.tf}`;
    if ((this.lastCloses[key] ?? -Infinity) >= close.candle.t) return null;
    this.lastCloses = { ...this.lastCloses, [key]: close.candle.t };
    this.kv.put("lastCloses", this.lastCloses);
    this.clock.observe(close.at);
    return this.apply({ kind: "candle_close", symbol: close.symbol, tf: close.tf, closeTime: close.at });
  }

  /**
   * A manual wake: skips the cooldown, never the single-flight rule. `limited` (POST /api/gate/wake): at most one
   * per `gate.manualWakeCooldownMs` of wall time; a wake inside it is refused with how long to wait.
   */
  async wake(reason: string, opts: { limited?: boolean } = {}): Promise<GateVerdict & { retryAfterMs?: number }> {
    if (opts.limited) {
      const wall = this.clock.wall();
      const last = this.kv.get<number>("lastApiWake") ?? null;
      const every = this.config.gate.manualWakeCooldownMs;
      if (last !== null && wall - last < every && wall >= last) {
        const retryAfterMs = every - (wall - last);
        return {
          open: false,
          layer: "manual",
          reason: `manual wakes are limited to one per ${Math.round(every / 1000)} s: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
          suppressed: true,
          retryAfterMs,
        };
      }
      this.kv.put("lastApiWake", wall);
    }
    return this.apply({ kind: "manual", reason });
  }

  status() {
    return {
      configured: this.setup !== null,
      portfolio: this.setup?.portfolio ?? null,
      symbols: this.setup?.symbols ?? [],
      now: this.clock.now(),
      decisionTimeframe: this.config.gate.decisionTimeframe,
      state: this.state,
      decisions: this.seq,
      counts: this.counts,
      recent: this.recent,
      lastTickAgoMs: this.lastTickWall === null ? null : this.clock.wall() - this.lastTickWall,
      memory: this.memory,
      llm: this.llmStatus(),
      config: this.config.gate,
    };
  }

  /** The engine config with this portfolio's decider settings (decider, prompt version, model, daily budget). */
  private effectiveConfig(): EngineConfig {
    const llm = withDeciderSettings(this.config.llm, this.setup);
    return llm === this.config.llm ? this.config : { ...this.config, llm };
  }

  /** Claude's configuration, circuit breaker and spend (no secrets). */
  llmStatus() {
    const wall = this.clock.wall();
    const llm = this.effectiveConfig().llm;
    return {
      decider: llm.decider,
      apiKeyConfigured: this.claude !== null,
      baseUrlConfigured: Boolean(this.env.ANTHROPIC_BASE_URL),
      model: llm.model,
      promptVersion: promptVersionOf(llm),
      breaker: this.governor.breaker(),
      dailyBudgetUsd: llm.dailyBudgetUsd,
      today: this.governor.today(wall),
      days: this.governor.days(),
      prices: llm.prices[llm.model] ?? null,
    };
  }

  /** Layer 2 of position monitoring, asked by a PositionActor; recorded in the decision log. */
  async reviewPosition(req: ReviewRequest): Promise<{ action: ReviewOutcome["action"]; confidence: number; reason: string; source: string; risk: string | null }> {
    this.clock.observe(req.at);
    const outcome = await reviewPosition(req, { env: this.env, cfg: this.effectiveConfig(), venue: req.venue });
    this.record("decisions", reviewRow(`${req.positionId}-r${req.seq}`, req.portfolio, req.positionId, req.at, outcome));
    if (outcome.action !== "HOLD" || outcome.risk)
      this.log.info("gate.position_reviewed", { position: req.positionId, action: outcome.action, source: outcome.source, reason: outcome.reason, risk: outcome.risk });
    // At risk: the decider looks at every open position inside one decision (no call per position). A calm review
    // is told too: the position may ask again once it was calm.
    if (outcome.action !== "EXIT") await this.apply({ kind: "position_review", positionId: req.positionId, symbol: req.symbol, risk: outcome.risk });
    await this.flush();
    return { action: outcome.action, confidence: outcome.confidence, reason: outcome.reason, source: outcome.source, risk: outcome.risk };
  }

  /** A material move a ticker found (or a safety stop a position took), through the sender's mailbox: may arrive twice. */
  async onMaterialMove(move: MaterialMove): Promise<GateVerdict> {
    this.clock.observe(move.at);
    return this.apply({ kind: "material", move });
  }

  // ---- gate ---------------------------------------------------------------------------------

  private async apply(event: GateEvent): Promise<GateVerdict> {
    const setup = this.setup;
    if (!setup) return { open: false, layer: null, reason: "gate not configured", suppressed: false, skip: "gate not configured" };
    const now = this.clock.now();
    const decisionId = `${setup.portfolio}-d${this.seq + 1}`;
    const r = evaluateGate(this.config.gate, this.state, event, now, decisionId);
    const v = r.verdict;
    const key = verdictKey(v);
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (r.state !== this.state) {
      this.state = r.state;
      this.kv.put("state", this.state);
    }
    if (v.layer === null) return v;
    this.remember({ at: now, layer: v.layer, open: v.open, suppressed: v.suppressed, reason: v.reason, decisionId: v.open ? decisionId : null });
    if (v.open) {
      this.seq++;
      this.kv.put("seq", this.seq);
      this.inFlightWall = this.clock.wall();
      const job: DecideJob = { decisionId, layer: v.layer, reason: v.reason, at: now };
      this.timers.schedule("decide", this.clock.wall(), job);
      this.log.info("gate.open", { decisionId, layer: v.layer, reason: v.reason });
      await this.emit(setup.portfolio, "gate.wake", { decisionId, layer: v.layer, reason: v.reason }, now);
    }
    this.saveCounts();
    await this.flush();
    return v;
  }

  private remember(rec: VerdictRecord): void {
    this.recent = [rec, ...this.recent].slice(0, RECENT);
    this.kv.put("recent", this.recent);
    this.eventSeq++;
    this.kv.put("eventSeq", this.eventSeq);
    this.record("gate_events", {
      id: `${this.setup!.portfolio}:g${this.eventSeq}`,
      portfolio: this.setup!.portfolio,
      at: rec.at,
      layer: rec.layer,
      opened: rec.open ? 1 : 0,
      suppressed: rec.suppressed ? 1 : 0,
      reason: rec.reason,
      decision_id: rec.decisionId,
    });
  }

  private saveCounts(): void {
    this.ticksSinceSave = 0;
    this.kv.put("counts", this.counts);
  }

  // ---- timers -------------------------------------------------------------------------------

  /** Abandons a decision that never reported back, and tells the gate how long the feed has been silent. */
  private async watchdog(): Promise<void> {
    if (!this.setup) return;
    const wall = this.clock.wall();
    const inFlight = this.state.inFlight;
    if (inFlight && wall - (this.inFlightWall ?? this.wokeAt) > this.config.gate.inFlightTimeoutMs) {
      this.log.warn("gate.decision_timed_out", { decisionId: inFlight.id });
      this.state = failDecision(this.config.gate, this.state, inFlight.id, this.clock.now());
      this.kv.put("state", this.state);
      this.kv.delete(decidedKey(inFlight.id));
      this.timers.cancel("decide");
    }
    await this.apply({ kind: "watchdog", silentForMs: wall - (this.lastTickWall ?? this.wokeAt) });
    this.saveCounts();
    this.timers.schedule("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
  }

  /** How far each ticker's candles are closed. */
  private closedMarks(setup: GateSetup): Promise<{ symbol: string; closedThrough: number | null }[]> {
    return Promise.all(setup.symbols.map(async (symbol) => ({ symbol, closedThrough: await this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).closedThrough() })));
  }

  private gatherInput(setup: GateSetup, trigger: { layer: GateLayer; reason: string }): Promise<SnapshotInput> {
    return gatherSnapshotInput({ env: this.env, cfg: this.config, portfolio: setup.portfolio, venue: setup.venue, symbols: setup.symbols, liveTicks: this.quotes, memory: this.memory }, trigger);
  }

  /** Builds the point-in-time snapshot of `input` and asks the decider of `cfg`: no record, no order, no state of the gate changed. */
  private async decideOnSnapshot(setup: GateSetup, decisionId: string, trigger: { layer: GateLayer; reason: string }, cfg: EngineConfig, input: SnapshotInput) {
    this.clock.observe(newestTime(input));
    const now = this.clock.now();
    const regimes: Record<string, CombinedRegime | null> = {};
    for (const t of input.tickers) {
      regimes[t.symbol] = this.regimeCache.detect(t.symbol, t.candles["1d"] ?? [], now);
      t.regime = regimes[t.symbol];
    }
    const snapshot = buildSnapshot(input, now);
    const hash = await sha256Hex(decisionKeyText(snapshot));
    const attempt = await runDecider(
      snapshot,
      hash,
      {
        cfg,
        governor: this.governor,
        client: this.claude,
        recorded: (h) => this.recordedDecision(h),
        rules: async (sn) =>
          runRulePipeline({ env: this.env, cfg: this.config, portfolio: setup.portfolio, decisionId, input, regimes, strategies: this.strategyConfigs(), quantModel: await this.loadQuantModel() }, sn),
        wallNow: () => this.clock.wall(),
      },
      trigger.layer === "review" ? "review" : "decision",
    );
    // The snapshot as the decider saw it (with the engine's evidence when Claude was asked); the hash stays the market's.
    return { snapshot: attempt.evidence ? withEvidence(snapshot, attempt.evidence) : snapshot, hash, attempt, regimes };
  }

  /**
   * What the decider would do now (POST /api/decisions/dry-run): the same snapshot and decider as a decision, with
   * its clamps, but nothing is executed or recorded and the gate's state is untouched. A Claude answer is paid for
   * and counted against the daily budget like any call.
   */
  async dryRun(opts: { decider?: "auto" | "claude" | "rule" } = {}) {
    const setup = this.setup;
    if (!setup) return null;
    const own = this.effectiveConfig();
    const cfg = opts.decider ? { ...own, llm: { ...own.llm, decider: opts.decider } } : own;
    const trigger = { layer: "manual", reason: "dry run" } as const;
    const { snapshot, hash, attempt } = await this.decideOnSnapshot(setup, `${setup.portfolio}-dry-run`, trigger, cfg, await this.gatherInput(setup, trigger));
    return {
      at: snapshot.at,
      snapshotHash: hash,
      decider: attempt.decider,
      decision: attempt.decision,
      failure: attempt.failure ?? null,
      clamps: attempt.clamps ?? [],
      note: attempt.note ?? null,
      votes: votesView(attempt),
      tickers: snapshot.tickers.map((t) => ({ symbol: t.symbol, price: t.price.value })),
    };
  }

  /**
   * Runs once per decision id. The decider's answer is stored with its snapshot before anything is
   * executed: a decision interrupted after that (a crash, a deploy) resumes with the same answer and
   * never asks Claude again; the account's requests are idempotent per decision and symbol.
   */
  private async runDecision(job: DecideJob): Promise<void> {
    const setup = this.setup;
    if (!setup || this.state.inFlight?.id !== job.decisionId) return;
    const row = (status: string, at: number, completedAt: number | null) => ({ id: job.decisionId, portfolio: setup.portfolio, at, layer: job.layer, reason: job.reason, status, completedAt });
    let decided = this.kv.get<DecidedJob>(decidedKey(job.decisionId)) ?? null;
    let snapshot: MarketSnapshot | null = decided?.snapshot ?? null;
    let hash: string | null = decided?.hash ?? null;
    let attempt: DecisionAttempt | null = decided?.attempt ?? null;
    try {
      if (decided) {
        this.log.warn("gate.decision_resumed", { decisionId: job.decisionId, decider: decided.attempt.decider });
      } else {
        const trigger = { layer: job.layer, reason: job.reason };
        // One small call per ticker while a market lags; the snapshot's inputs are gathered once none does.
        const marks = await this.closedMarks(setup);
        if (this.state.inFlight?.id !== job.decisionId) return;
        if (this.waitForLaggards(job, marks)) return;
        const input = await this.gatherInput(setup, trigger);
        if (this.state.inFlight?.id !== job.decisionId) return;
        let regimes: Record<string, CombinedRegime | null>;
        ({ snapshot, hash, attempt, regimes } = await this.decideOnSnapshot(setup, job.decisionId, trigger, this.effectiveConfig(), input));
        // Re-read after the decider: the watchdog may have abandoned this decision meanwhile.
        if (this.state.inFlight?.id !== job.decisionId) {
          this.log.warn("gate.decision_abandoned", { decisionId: job.decisionId, decider: attempt.decider });
          return;
        }
        const at = this.clock.now();
        if (!attempt.decision) {
          this.record("decisions", decisionRow(row("failed", at, at), snapshot, hash, attempt, null, null));
          this.endDecision(job.decisionId, null, at);
          this.log.warn("gate.decision_failed", { decisionId: job.decisionId, decider: attempt.decider, reason: attempt.failure });
          if (attempt.alert) await this.emit(setup.portfolio, "risk.alert", { source: "llm", ...(attempt.alertKind ? { kind: attempt.alertKind } : {}), reason: attempt.alert }, at);
          await this.emit(setup.portfolio, "decision.made", { decisionId: job.decisionId, decider: attempt.decider, trigger: job.layer, failed: attempt.failure }, at);
          return;
        }
        decided = { snapshot, hash, attempt, at };
        // One synchronous step: the answer kept for a resume, its log row and its votes.
        this.kv.put(decidedKey(job.decisionId), decided);
        this.record("decisions", decisionRow(row("decided", at, null), snapshot, hash, attempt, null, null));
        this.recordVotes(setup.portfolio, job.decisionId, attempt, at);
        const regimeChanges = this.noteRegimes(regimes);
        if (attempt.alert) await this.emit(setup.portfolio, "risk.alert", { source: "llm", ...(attempt.alertKind ? { kind: attempt.alertKind } : {}), reason: attempt.alert }, at);
        await this.emit(
          setup.portfolio,
          "decision.made",
          {
            decisionId: job.decisionId,
            decider: attempt.decider,
            trigger: job.layer,
            decisions: attempt.decision.decisions,
            assessment: attempt.decision.market_assessment,
            clamps: attempt.clamps,
            note: attempt.note,
          },
          at,
        );
        if (attempt.votes?.length) await this.emit(setup.portfolio, "decision.votes", { decisionId: job.decisionId, votes: votesView(attempt) }, at);
        for (const change of regimeChanges) await this.emit(setup.portfolio, "regime.update", change, at);
      }
      const { decision } = decided.attempt;
      const now = decided.at;
      const snap = decided.snapshot;
      const outcomes = await this.execute(setup, job.decisionId, decision!, now, decided.attempt.decider, snap);
      if (this.state.inFlight?.id !== job.decisionId) return;
      if (decision!.memory_update !== null) {
        this.memory = { value: decision!.memory_update, at: now };
        this.kv.put("memory", this.memory);
      }
      this.endDecision(job.decisionId, { decision: decision!, prices: Object.fromEntries(snap.tickers.map((t) => [t.symbol, t.price.value])) }, now);
      this.record("decisions", decisionRow(row("executed", now, this.clock.now()), snap, decided.hash, decided.attempt, outcomes, null));
      this.log.info("gate.decided", {
        decisionId: job.decisionId,
        trigger: job.layer,
        decider: decided.attempt.decider,
        outcomes: outcomes.map((o) => `${o.ticker} ${o.action} ${o.accepted ? "ok" : "refused"}: ${o.detail}`),
      });
    } catch (err) {
      const now = this.clock.now();
      this.log.error("gate.decision_failed", { decisionId: job.decisionId, error: errorMessage(err) });
      if (this.state.inFlight?.id !== job.decisionId) return;
      this.endDecision(job.decisionId, null, now);
      this.record("decisions", decisionRow(row("failed", snapshot?.at ?? job.at, now), snapshot, hash, attempt, null, errorMessage(err)));
    }
  }

  /**
   * A market whose candles stop short of the decision's minute (its ticker behind the others) would put two moments
   * in one snapshot: the decision looks again in SNAPSHOT_RETRY_MS, for up to `gate.snapshotWaitMs` of wall time,
   * then decides on what there is and logs who lagged. Answers whether the decision waits.
   */
  private waitForLaggards(job: DecideJob, marks: { symbol: string; closedThrough: number | null }[]): boolean {
    const lagging = laggingSymbols(marks, job.at);
    const wall = this.clock.wall();
    if (lagging.length === 0) {
      if (job.waitingSinceWall !== undefined) this.log.info("gate.snapshot_waited", { decisionId: job.decisionId, waitedMs: wall - job.waitingSinceWall });
      return false;
    }
    const since = job.waitingSinceWall ?? wall;
    if (wall - since < this.config.gate.snapshotWaitMs) {
      this.timers.schedule("decide", wall + SNAPSHOT_RETRY_MS, { ...job, waitingSinceWall: since } satisfies DecideJob);
      return true;
    }
    this.log.warn("gate.snapshot_lagging", {
      decisionId: job.decisionId,
      waitedMs: wall - since,
      lagging: lagging.map((l) => `${l.symbol} ${Number.isFinite(l.behindMs) ? `${Math.round(l.behindMs / 1000)} s` : "no candles"} behind`),
    });
    return false;
  }

  /** Frees the gate: with an answer its timer and wake conditions, without one the default retry. */
  private endDecision(decisionId: string, answer: { decision: Decision; prices: Record<string, number> } | null, now: number): void {
    this.kv.delete(decidedKey(decisionId));
    this.state = answer
      ? completeDecision(
          this.config.gate,
          this.state,
          { decisionId, nextCheckSeconds: answer.decision.next_check_seconds, wakeConditions: answer.decision.wake_conditions, prices: answer.prices },
          now,
        )
      : failDecision(this.config.gate, this.state, decisionId, now);
    this.kv.put("state", this.state);
    this.inFlightWall = null;
    const seconds = answer ? answer.decision.next_check_seconds : this.config.gate.defaultNextCheckSeconds;
    this.timers.schedule("timer", this.clock.wall() + seconds * 1000);
  }

  /** Keeps each symbol's latest regime; answers the symbols whose regime changed since the last decision. */
  private noteRegimes(regimes: Record<string, CombinedRegime | null>) {
    const known = this.kv.get<Record<string, string>>("regimes") ?? {};
    const changes: { symbol: string; regime: string; previous: string | null; trend: string; volatility: string; confidence: number }[] = [];
    for (const [symbol, r] of Object.entries(regimes)) {
      if (!r || known[symbol] === r.learnerKey) continue;
      changes.push({ symbol, regime: r.learnerKey, previous: known[symbol] ?? null, trend: r.trend, volatility: r.volatility, confidence: r.confidence });
      known[symbol] = r.learnerKey;
    }
    if (changes.length > 0) this.kv.put("regimes", known);
    return changes;
  }

  /** Every strategy signal (PASS included) and each ticker's agent vote, for GET /api/signals and the audit. */
  private recordVotes(portfolio: string, decisionId: string, attempt: DecisionAttempt, at: number): void {
    const rows = voteRows(portfolio, decisionId, attempt, at);
    for (const row of rows.signals) this.record("signals", row);
    for (const row of rows.votes) this.record("agent_votes", row);
  }

  /** The configured strategies with any overrides set through the API (validated when set). */
  strategyConfigs(): StrategyConfigs {
    return this.strategySettings.configs();
  }

  /** Lists every registered strategy with its state; PATCH /api/strategies/:name goes through `setStrategy`. */
  strategies(): StrategyView[] {
    return this.strategySettings.list();
  }

  /** Enables, disables or re-parameterises a strategy; invalid params are refused with the field named. */
  setStrategy(name: string, patch: { enabled?: boolean; params?: Record<string, unknown> }): { strategy: StrategyView | null; error: string | null } {
    const r = this.strategySettings.set(name, patch);
    if (r.strategy) this.log.info("gate.strategy_changed", { strategy: name, enabled: r.strategy.enabled });
    return r;
  }

  /** The learner's quant model, fetched again only when its version changed. */
  private async loadQuantModel(): Promise<QuantModel | null> {
    const learner = this.env.LEARNER.getByName(actorName.learner(this.setup!.portfolio));
    const version = await learner.quantVersion();
    if (version === null) return null;
    if (this.quantModel?.trainedAt !== version) this.quantModel = (await learner.quantModel()) as QuantModel | null;
    return this.quantModel;
  }

  /** The current regime of every configured ticker (GET /api/regime). */
  async regimes() {
    const setup = this.setup;
    if (!setup) return { now: this.clock.now(), tickers: [] };
    const now = this.clock.now();
    const tickers = await Promise.all(
      setup.symbols.map(async (symbol) => {
        const data = await this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).marketData({ "1d": this.config.regime.dailyHistory });
        return { symbol, regime: this.regimeCache.detect(symbol, data.candles["1d"] ?? [], now) };
      }),
    );
    return { now, tickers };
  }

  /** A Claude decision recorded for this snapshot hash, for the replay decider. */
  private async recordedDecision(hash: string): Promise<unknown> {
    const r = await this.env.DB.prepare("SELECT decision_json FROM decisions WHERE snapshot_hash = ? AND kind = 'decision' AND status = 'executed' AND decider LIKE 'claude:%' ORDER BY at, id LIMIT 1")
      .bind(hash)
      .first<{ decision_json: string | null }>();
    return r?.decision_json ? JSON.parse(r.decision_json) : null;
  }

  /** Sends SELLs before BUYs so exits free cash and room first. Account calls are idempotent per decision. */
  private async execute(setup: GateSetup, decisionId: string, decision: Decision, at: number, agent: string, snapshot: MarketSnapshot): Promise<DecisionOutcome[]> {
    const account = this.env.ACCOUNT.getByName(actorName.account(setup.portfolio));
    const outcomes: DecisionOutcome[] = [];
    for (const d of executionOrder(decision)) {
      if (d.action === "HOLD") {
        outcomes.push({ ticker: d.ticker, action: "HOLD", accepted: true, detail: "no order" });
      } else if (d.action === "BUY") {
        const r = await account.requestEntry({
          decisionId,
          at,
          symbol: d.ticker,
          positionPct: d.position_pct,
          agent,
          reason: d.reasoning,
          entryContext: entryContextOf(snapshot, d.ticker, this.config.gate.decisionTimeframe, d.signal_weights),
        });
        outcomes.push({ ticker: d.ticker, action: "BUY", accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
      } else {
        const r = await account.requestExit({ decisionId, at, symbol: d.ticker, reason: d.reasoning });
        outcomes.push({ ticker: d.ticker, action: "SELL", accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
      }
    }
    return outcomes;
  }
}
