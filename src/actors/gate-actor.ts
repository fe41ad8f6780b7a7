import type { MaterialMove } from "../lib/gate";
import { evaluateGate, storedGateState, type GateEvent, type GateState, type GateVerdict } from "../lib/gate";
import type { StrategyConfigs } from "../lib/strategy/strategy-configs";
import { reviewRow, type DecisionOutcomeRow } from "./gate/decision-row";
import type { DecideJob } from "./gate/decision-job";
import { DecisionRunner, type DecisionHost } from "./gate/decision-runner";
import { manualWakeRefusal } from "../lib/gate/manual-wake";
import { reviewPosition, type ReviewOutcome, type ReviewRequest } from "./gate/review-position";
import { StrategySettings, type StrategyView } from "./gate/strategy-settings";
import { VerdictLog } from "./gate/verdict-log";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { CandleClosed, MarketTick } from "./messages";
import { actorName } from "./names";

import type { GateSetup } from "./gate/decision-runner";
export type { GateSetup };
export type { VerdictRecord } from "./gate/verdict-log";
export type DecisionOutcome = DecisionOutcomeRow;

const WATCHDOG_EVERY_MS = 60_000;

/** The gate's timers: a decision to run (its job), the decider's own timer, the watchdog. */
type GateTimers = { decide: DecideJob; timer: null; watchdog: null };

/**
 * The AdaptiveGate of one portfolio. Ticks and candle closes from every ticker arrive here; almost
 * all are skipped. When a layer opens it, the decision runs in the alarm (single-flight, retried if
 * the actor dies mid-way): snapshot → decider → account, all but the I/O in `decideOnSnapshot` and
 * `decisionOrders` (src/lib/decide/decision-cycle.ts), which the backtester runs too.
 */
export class GateActor extends Actor<GateTimers> {
  protected readonly timerHandlers: TimerHandlers<GateTimers> = {
    decide: (job) => this.decisions.run(job),
    timer: async () => void (await this.apply({ kind: "timer" })),
    watchdog: () => this.watchdog(),
  };

  private setup: GateSetup | null = this.kv.get<GateSetup>("setup") ?? null;
  /** Set by an engine stop, cleared by the next start: a stopped portfolio's gate opens no decision (and asks no model). */
  private stopped: boolean = this.kv.get("stopped") === true;
  private state: GateState = storedGateState(this.kv.get<GateState>("state"));
  private seq: number = this.kv.get<number>("seq") ?? 0;
  private readonly verdicts = new VerdictLog(this.kv);
  private lastCloses: Record<string, number> = this.kv.get<Record<string, number>>("lastCloses") ?? {};
  private readonly wokeAt = Date.now();
  private lastTickWall: number | null = null;
  private readonly quotes = new Map<string, MarketTick>();
  private readonly strategySettings = new StrategySettings(this.kv, this.config.strategies);
  private readonly decisions = new DecisionRunner(this.decisionHost());

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  async configure(setup: GateSetup) {
    this.setup = setup;
    this.kv.put("setup", setup);
    this.stopped = false;
    this.kv.delete("stopped");
    this.timers.scheduleBy("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
    await this.arm();
    return this.status();
  }

  /**
   * The engine stopped this portfolio (POST /api/engine/stop): its feeds are gone, so the watchdog would find them
   * silent and force a decision every few minutes. Until the next start the gate opens none; a decision in flight
   * without an answer is abandoned (one with an answer ends as it would), and positions keep their safety stops and reviews.
   */
  async stop() {
    this.stopped = true;
    this.kv.put("stopped", true);
    this.timers.cancel("watchdog");
    this.decisions.abandonUndecided();
    this.log.info("gate.stopped", { portfolio: this.setup?.portfolio ?? null });
    await this.arm();
    return this.status();
  }

  async onTick(tick: MarketTick): Promise<GateVerdict> {
    this.clock.observe(tick.at);
    this.quotes.set(tick.symbol, tick);
    this.lastTickWall = this.clock.wall();
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
      const refused = manualWakeRefusal(this.kv.get<number>("lastApiWake") ?? null, wall, this.config.gate.manualWakeCooldownMs);
      if (refused) return refused;
      this.kv.put("lastApiWake", wall);
    }
    return this.apply({ kind: "manual", reason });
  }

  /** A material move a ticker found (or a safety stop a position took), through the sender's mailbox: may arrive twice. */
  async onMaterialMove(move: MaterialMove): Promise<GateVerdict> {
    this.clock.observe(move.at);
    return this.apply({ kind: "material", move });
  }

  /** Layer 2 of position monitoring, asked by a PositionActor; recorded in the decision log. */
  async reviewPosition(req: ReviewRequest): Promise<{ action: ReviewOutcome["action"]; confidence: number; reason: string; source: string; risk: string | null }> {
    this.clock.observe(req.at);
    const outcome = await reviewPosition(req, { env: this.env, cfg: this.decisions.effectiveConfig(), venue: req.venue });
    this.record("decisions", reviewRow(`${req.positionId}-r${req.seq}`, req.portfolio, req.positionId, req.at, outcome));
    if (outcome.action !== "HOLD" || outcome.risk)
      this.log.info("gate.position_reviewed", { position: req.positionId, action: outcome.action, source: outcome.source, reason: outcome.reason, risk: outcome.risk });
    // At risk: the decider looks at every open position inside one decision (no call per position). A calm review
    // is told too: the position may ask again once it was calm.
    if (outcome.action !== "EXIT") await this.apply({ kind: "position_review", positionId: req.positionId, symbol: req.symbol, risk: outcome.risk });
    await this.flush();
    return { action: outcome.action, confidence: outcome.confidence, reason: outcome.reason, source: outcome.source, risk: outcome.risk };
  }

  status() {
    const wall = this.clock.wall();
    return {
      configured: this.setup !== null,
      stopped: this.stopped,
      portfolio: this.setup?.portfolio ?? null,
      symbols: this.setup?.symbols ?? [],
      now: this.clock.now(),
      decisionTimeframe: this.config.gate.decisionTimeframe,
      state: this.state,
      decisions: this.seq,
      counts: this.verdicts.counts,
      recent: this.verdicts.recent,
      lastTickAgoMs: this.lastTickWall === null ? null : wall - this.lastTickWall,
      memory: this.decisions.memory,
      llm: this.llmStatus(),
      config: this.config.gate,
    };
  }

  /** Claude's configuration, circuit breaker and spend (no secrets). */
  llmStatus() {
    return this.decisions.llmStatus();
  }

  /** What the decider would do now (POST /api/decisions/dry-run): nothing executed or recorded, the gate untouched; null when stopped (no feeds). */
  async dryRun(opts: { decider?: "auto" | "claude" | "rule" } = {}) {
    return this.stopped ? null : this.decisions.dryRun(opts);
  }

  // ---- gate ---------------------------------------------------------------------------------

  private async apply(event: GateEvent): Promise<GateVerdict> {
    const setup = this.setup;
    if (!setup) return { open: false, layer: null, reason: "gate not configured", suppressed: false, skip: "gate not configured" };
    if (this.stopped) {
      const stopped: GateVerdict = { open: false, layer: null, reason: "engine stopped: POST /api/engine/start first", suppressed: false, skip: "engine stopped" };
      this.verdicts.count(stopped);
      return stopped;
    }
    const now = this.clock.now();
    const decisionId = `${setup.portfolio}-d${this.seq + 1}`;
    const { state, verdict: v } = evaluateGate(this.config.gate, this.state, event, now, decisionId);
    this.verdicts.count(v);
    if (state !== this.state) this.saveState(state);
    if (v.layer === null) return v;
    this.record("gate_events", this.verdicts.remember(setup.portfolio, { at: now, layer: v.layer, open: v.open, suppressed: v.suppressed, reason: v.reason, decisionId: v.open ? decisionId : null }));
    if (v.open) {
      this.seq++;
      this.kv.put("seq", this.seq);
      this.decisions.opened();
      this.timers.schedule("decide", this.clock.wall(), { decisionId, layer: v.layer, reason: v.reason, at: now });
      this.log.info("gate.open", { decisionId, layer: v.layer, reason: v.reason });
    }
    // The counts go with the step's other writes, before the first await.
    this.verdicts.save();
    if (v.open) await this.emit(setup.portfolio, "gate.wake", { decisionId, layer: v.layer, reason: v.reason }, now);
    await this.flush();
    return v;
  }

  private saveState(state: GateState): void {
    this.state = state;
    this.kv.put("state", state);
  }

  /** Abandons a decision that never reported back, and tells the gate how long the feed has been silent. */
  private async watchdog(): Promise<void> {
    if (!this.setup || this.stopped) return;
    const wall = this.clock.wall();
    this.decisions.abandonStale();
    await this.apply({ kind: "watchdog", silentForMs: wall - (this.lastTickWall ?? this.wokeAt) });
    this.verdicts.save();
    // A stop may have come while the watchdog awaited: it left no watchdog to run.
    if (!this.stopped) this.timers.schedule("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
  }

  // ---- strategies and regimes ----------------------------------------------------------------

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

  /** The current regime of every configured ticker (GET /api/regime). */
  async regimes() {
    const setup = this.setup;
    const now = this.clock.now();
    if (!setup) return { now, tickers: [] };
    const daily = (symbol: string) => this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).marketData({ "1d": this.config.regime.dailyHistory });
    const tickers = await Promise.all(setup.symbols.map(async (symbol) => ({ symbol, regime: this.decisions.regime(symbol, (await daily(symbol)).candles["1d"] ?? [], now) })));
    return { now, tickers };
  }

  /** What the DecisionRunner uses of this actor. */
  private decisionHost(): DecisionHost {
    return {
      env: this.env,
      kv: this.kv,
      clock: this.clock,
      log: this.log,
      config: this.config,
      quotes: this.quotes,
      setup: () => this.setup,
      strategies: () => this.strategyConfigs(),
      state: () => this.state,
      saveState: (state) => this.saveState(state),
      record: (table, row) => this.record(table, row),
      emit: (portfolio, type, data, ts) => this.emit(portfolio, type, data, ts),
      retry: (job: DecideJob, wall) => this.timers.schedule("decide", wall, job),
      nextCheck: (wall) => this.timers.schedule("timer", wall),
      cancelRetry: () => this.timers.cancel("decide"),
    };
  }
}
