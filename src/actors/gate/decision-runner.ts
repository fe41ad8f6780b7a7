import { agentOf } from "../../lib/decide/decider";
import type { Env } from "../../env";
import type { EngineClock } from "../../adapters/clock";
import { errorMessage, type Logger } from "../../adapters/log";
import type { HistoryRow, HistoryTable } from "../../adapters/store/history-tables";
import { ClaudeClient } from "../../adapters/llm/claude-client";
import type { EngineConfig, LlmConfig } from "../../lib/config";
import { decideOnSnapshot, gateAfterDecision } from "../../lib/decide/decision-cycle";
import type { Decision } from "../../lib/decide/decision";
import { withDeciderSettings, type DeciderSettings } from "../../lib/decide/decider-settings";
import { LlmGovernor } from "../../lib/decide/llm-governor";
import { promptVersionOf } from "../../lib/decide/prompt";
import type { MarketSnapshot, SnapshotInput } from "../../lib/decide/snapshot";
import { failDecision, type GateLayer, type GateState } from "../../lib/gate";
import { RegimeCache } from "../../lib/regime/regime-cache";
import type { CombinedRegime } from "../../lib/regime/types";
import type { StrategyConfigs } from "../../lib/strategy/strategy-configs";
import type { MarketTick } from "../messages";
import { decisionRow, voteRows } from "./decision-row";
import { closedMarks, decidedEvents, decidedKey, executeDecision, votesView, type DecidedJob, type DecideJob } from "./decision-job";
import { snapshotWait } from "../../lib/decide/snapshot-wait";
import { regimeChanges } from "../../lib/regime/regime-changes";
import { gateDecisionPorts, LearnerQuantModel } from "./decision-ports";
import { gatherSnapshotInput, newestTime } from "./gather-snapshot";

/** The portfolio's gate: its symbols, and its own decider settings (each overrides the config's `llm` for it alone). */
export interface GateSetup extends Omit<DeciderSettings, "decider"> {
  portfolio: string;
  venue: string;
  symbols: string[];
  /** Overrides the configured decider for this portfolio. */
  decider?: LlmConfig["decider"];
}

/** What the runner uses of its GateActor: storage, clock, log, the D1 outbox and stream, the gate's state and timers. */
export interface DecisionHost {
  env: Env;
  kv: SyncKvStorage;
  clock: EngineClock;
  log: Logger;
  config: EngineConfig;
  setup(): GateSetup | null;
  strategies(): StrategyConfigs;
  /** The gate's latest tick per symbol. */
  quotes: Map<string, MarketTick>;
  state(): GateState;
  saveState(state: GateState): void;
  record(table: HistoryTable, row: HistoryRow): void;
  emit(portfolio: string, type: string, data: unknown, ts: number): Promise<void>;
  /** Runs `job` again at `wall` (the `decide` timer). */
  retry(job: DecideJob, wall: number): void;
  /** The decider's own timer: the gate looks again at `wall`. */
  nextCheck(wall: number): void;
  cancelRetry(): void;
}

/**
 * A GateActor's decisions: each one runs once per decision id in the alarm (single flight), its answer stored with its
 * snapshot before anything is executed, so a decision interrupted after that (a crash, a deploy) resumes with the same
 * answer and never asks Claude again; the account's requests are idempotent per decision and symbol. Everything but
 * the I/O is `decideOnSnapshot` and `decisionOrders` (src/lib/decide/decision-cycle.ts), which the backtester runs too.
 */
export class DecisionRunner {
  memory: { value: string; at: number } | null;
  private inFlightWall: number | null = null;
  private readonly wokeAt = Date.now();
  // The portfolio's model and budget, read at each admission: a new start may change them.
  private readonly governor: LlmGovernor;
  private readonly claude: ClaudeClient | null;
  private readonly regimeCache: RegimeCache;
  private readonly quant: LearnerQuantModel;

  constructor(private readonly host: DecisionHost) {
    const { env, kv, config, log } = host;
    this.memory = kv.get<{ value: string; at: number }>("memory") ?? null;
    this.governor = new LlmGovernor(kv, () => this.effectiveConfig().llm, Boolean(env.ANTHROPIC_API_KEY));
    this.claude = env.ANTHROPIC_API_KEY ? new ClaudeClient({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL, timeoutMs: config.llm.timeoutMs }) : null;
    this.regimeCache = new RegimeCache(kv, config.regime.hmm, (symbol, err) => log.warn("gate.regime_failed", { symbol, error: errorMessage(err) }));
    this.quant = new LearnerQuantModel(env, () => host.setup()!.portfolio);
  }

  /** The engine config with this portfolio's decider settings (decider, prompt version, model, daily budget). */
  effectiveConfig(): EngineConfig {
    const cfg = this.host.config;
    const llm = withDeciderSettings(cfg.llm, this.host.setup());
    return llm === cfg.llm ? cfg : { ...cfg, llm };
  }

  /** Claude's configuration, circuit breaker and spend (no secrets). */
  llmStatus() {
    const llm = this.effectiveConfig().llm;
    const keys = { apiKeyConfigured: this.claude !== null, baseUrlConfigured: Boolean(this.host.env.ANTHROPIC_BASE_URL) };
    const spend = { dailyBudgetUsd: llm.dailyBudgetUsd, today: this.governor.today(this.host.clock.wall()), days: this.governor.days() };
    return { decider: llm.decider, ...keys, model: llm.model, promptVersion: promptVersionOf(llm), breaker: this.governor.breaker(), ...spend, prices: llm.prices[llm.model] ?? null };
  }

  /** A decision was opened now: the watchdog times it from here. */
  opened(): void {
    this.inFlightWall = this.host.clock.wall();
  }

  /** Abandons the decision in flight when it never reported back within `gate.inFlightTimeoutMs` of wall time. */
  abandonStale(): void {
    const inFlight = this.host.state().inFlight;
    if (!inFlight || this.host.clock.wall() - (this.inFlightWall ?? this.wokeAt) <= this.host.config.gate.inFlightTimeoutMs) return;
    this.host.log.warn("gate.decision_timed_out", { decisionId: inFlight.id });
    this.abandon(inFlight.id);
  }

  /**
   * The engine stopped: a decision without an answer yet is abandoned (no model asked, no order), its run ending at its
   * next re-read. One with an answer is under way to the account and ends as it would (its orders are idempotent).
   */
  abandonUndecided(): void {
    const inFlight = this.host.state().inFlight;
    if (!inFlight || this.host.kv.get(decidedKey(inFlight.id)) !== undefined) return;
    this.host.log.warn("gate.decision_abandoned", { decisionId: inFlight.id, reason: "engine stopped" });
    this.abandon(inFlight.id);
  }

  private abandon(decisionId: string): void {
    const { clock, config, kv } = this.host;
    this.host.saveState(failDecision(config.gate, this.host.state(), decisionId, clock.now()));
    kv.delete(decidedKey(decisionId));
    this.inFlightWall = null;
    this.host.cancelRetry();
  }

  /** The regime of `symbol` from its daily candles (GET /api/regime reads it too). */
  regime(symbol: string, daily: Parameters<RegimeCache["detect"]>[1], now: number) {
    return this.regimeCache.detect(symbol, daily, now);
  }

  private gatherInput(setup: GateSetup, trigger: { layer: GateLayer; reason: string }): Promise<SnapshotInput> {
    const { env, config, quotes } = this.host;
    return gatherSnapshotInput({ env, cfg: config, portfolio: setup.portfolio, venue: setup.venue, symbols: setup.symbols, liveTicks: quotes, memory: this.memory }, trigger);
  }

  /** The point-in-time snapshot of `input` and the decider's answer under `cfg`: no record, no order, no state of the gate changed. */
  private async decide(setup: GateSetup, decisionId: string, layer: GateLayer, cfg: EngineConfig, input: SnapshotInput) {
    const { env, clock } = this.host;
    clock.observe(newestTime(input));
    const ports = gateDecisionPorts({
      env,
      cfg,
      portfolio: setup.portfolio,
      governor: this.governor,
      claude: this.claude,
      regimes: this.regimeCache,
      quant: this.quant,
      strategies: this.host.strategies(),
      wallNow: () => clock.wall(),
    });
    const r = await decideOnSnapshot(input, clock.now(), decisionId, layer === "review" ? "review" : "decision", ports);
    return { ...r, hash: await r.hash() };
  }

  /** What the decider would do now (POST /api/decisions/dry-run): nothing executed or recorded, a Claude answer paid for like any call. */
  async dryRun(opts: { decider?: "auto" | "claude" | "rule" } = {}) {
    const setup = this.host.setup();
    if (!setup) return null;
    const own = this.effectiveConfig();
    const cfg = opts.decider ? { ...own, llm: { ...own.llm, decider: opts.decider } } : own;
    const { snapshot, hash, attempt: a } = await this.decide(setup, `${setup.portfolio}-dry-run`, "manual", cfg, await this.gatherInput(setup, { layer: "manual", reason: "dry run" }));
    const tickers = snapshot.tickers.map((t) => ({ symbol: t.symbol, price: t.price.value }));
    return { at: snapshot.at, snapshotHash: hash, decider: a.decider, decision: a.decision, failure: a.failure ?? null, clamps: a.clamps ?? [], note: a.note ?? null, votes: votesView(a), tickers };
  }

  /** Runs decision `job` (the `decide` timer), or resumes it with its stored answer. */
  async run(job: DecideJob): Promise<void> {
    const { kv, log, clock } = this.host;
    const setup = this.host.setup();
    const current = () => this.host.state().inFlight?.id === job.decisionId;
    if (!setup || !current()) return;
    const row = (status: string, at: number, completedAt: number | null) => ({ id: job.decisionId, portfolio: setup.portfolio, at, layer: job.layer, reason: job.reason, status, completedAt });
    let decided = kv.get<DecidedJob>(decidedKey(job.decisionId)) ?? null;
    let seen: Partial<DecidedJob> = decided ?? {};
    try {
      if (decided) log.warn("gate.decision_resumed", { decisionId: job.decisionId, decider: decided.attempt.decider });
      else {
        // One small call per ticker while a market lags; the snapshot's inputs are gathered once none does.
        const wait = snapshotWait(job, await closedMarks(this.host.env, setup.venue, setup.symbols), clock.wall(), this.host.config.gate.snapshotWaitMs);
        if (!current()) return;
        if (wait.wait) return this.host.retry(wait.retry, wait.retryAt);
        if (wait.lagging.length > 0) log.warn("gate.snapshot_lagging", { decisionId: job.decisionId, waitedMs: wait.waitedMs, lagging: wait.lagging });
        else if (wait.waitedMs !== null) log.info("gate.snapshot_waited", { decisionId: job.decisionId, waitedMs: wait.waitedMs });
        const input = await this.gatherInput(setup, { layer: job.layer, reason: job.reason });
        if (!current()) return;
        const r = await this.decide(setup, job.decisionId, job.layer, this.effectiveConfig(), input);
        seen = r;
        // Re-read after the decider: the watchdog may have abandoned this decision meanwhile.
        if (!current()) return log.warn("gate.decision_abandoned", { decisionId: job.decisionId, decider: r.attempt.decider });
        decided = { snapshot: r.snapshot, hash: r.hash, attempt: r.attempt, at: clock.now() };
        if (!(await this.keepDecided(setup.portfolio, job, decided, r.regimes, row))) return;
        // Re-read after the events went out: the watchdog may have abandoned this decision meanwhile.
        if (!current()) return log.warn("gate.decision_abandoned", { decisionId: job.decisionId, decider: r.attempt.decider });
      }
      const { attempt, snapshot, at } = decided;
      const decision = attempt.decision!;
      const outcomes = await this.execute(setup.portfolio, { decisionId: job.decisionId, at, agent: agentOf(attempt) }, decision, snapshot);
      if (!current()) return;
      this.end(job.decisionId, decision, snapshot, at);
      this.host.record("decisions", decisionRow(row("executed", at, clock.now()), snapshot, decided.hash, attempt, outcomes, null));
      const lines = outcomes.map((o) => `${o.ticker} ${o.action} ${o.accepted ? "ok" : "refused"}: ${o.detail}`);
      log.info("gate.decided", { decisionId: job.decisionId, trigger: job.layer, decider: attempt.decider, outcomes: lines });
    } catch (err) {
      const now = clock.now();
      log.error("gate.decision_failed", { decisionId: job.decisionId, error: errorMessage(err) });
      if (!current()) return;
      this.end(job.decisionId, null, null, now);
      this.host.record("decisions", decisionRow(row("failed", seen.snapshot?.at ?? job.at, now), seen.snapshot ?? null, seen.hash ?? null, seen.attempt ?? null, null, errorMessage(err)));
    }
  }

  /** Asks the account for the decision's orders (SELLs before BUYs, each idempotent per decision and symbol). */
  private execute(portfolio: string, job: { decisionId: string; at: number; agent: string }, decision: Decision, snapshot: MarketSnapshot) {
    return executeDecision(this.host.env, portfolio, job, decision, snapshot, this.host.config);
  }

  /**
   * One synchronous step for a decider's answer: kept for a resume (or, without a decision, the decision ended), its log
   * row, its votes and the regimes that changed; then the stream told. Answers whether there is a decision to execute.
   */
  private async keepDecided(
    portfolio: string,
    job: DecideJob,
    decided: DecidedJob,
    regimes: Record<string, CombinedRegime | null>,
    row: (status: string, at: number, completedAt: number | null) => Parameters<typeof decisionRow>[0],
  ): Promise<boolean> {
    const { kv, log } = this.host;
    const { attempt, snapshot, hash, at } = decided;
    const ok = attempt.decision !== null;
    if (ok) kv.put(decidedKey(job.decisionId), decided);
    else this.end(job.decisionId, null, null, at);
    this.host.record("decisions", decisionRow(row(ok ? "decided" : "failed", at, ok ? null : at), snapshot, hash, attempt, null, null));
    const known = kv.get<Record<string, string>>("regimes") ?? {};
    const changes = ok ? regimeChanges(known, regimes) : [];
    if (changes.length > 0) kv.put("regimes", known);
    if (ok) {
      const rows = voteRows(portfolio, job.decisionId, attempt, at);
      for (const x of rows.signals) this.host.record("signals", x);
      for (const x of rows.votes) this.host.record("agent_votes", x);
    } else log.warn("gate.decision_failed", { decisionId: job.decisionId, decider: attempt.decider, reason: attempt.failure });
    for (const [type, data] of decidedEvents(job, attempt, changes)) await this.host.emit(portfolio, type, data, at);
    return ok;
  }

  /** Frees the gate: with an answer its memory, timer and wake conditions, without one the default retry. */
  private end(decisionId: string, decision: Decision | null, snapshot: MarketSnapshot | null, now: number): void {
    const { kv, config, clock } = this.host;
    kv.delete(decidedKey(decisionId));
    if (decision?.memory_update != null) {
      this.memory = { value: decision.memory_update, at: now };
      kv.put("memory", this.memory);
    }
    this.host.saveState(gateAfterDecision(config.gate, this.host.state(), decisionId, decision, snapshot ?? { tickers: [] }, now));
    this.inFlightWall = null;
    this.host.nextCheck(clock.wall() + (decision ? decision.next_check_seconds : config.gate.defaultNextCheckSeconds) * 1000);
  }
}
