import { errorMessage } from "../adapters/log";
import type { HistoryRow } from "../adapters/store/history-tables";
import { brokerFromEnv, venuesBroker, type VenuesBroker } from "../adapters/exchange/broker-from-env";
import type { BinanceMarket } from "../adapters/exchange/ccxt-binance";
import { brokerRestBase } from "../adapters/exchange/ws-api-url";
import { executionSettings } from "../lib/execution/mode";
import type { Difference } from "../lib/execution/reconcile";
import { gatherAndReconcile, takeBaseline } from "./account/exchange-reconciliation";
import { VENUE_FUNDING_GRACE_MS } from "../lib/execution/venue-futures";
import { perpKey } from "../lib/execution/reconcile";
import {
  equity,
  exposure,
  availableCash,
  newAccountBook,
  orphanedLegs,
  type AccountBook,
  type Cooldown,
  type HaltState,
  type KillSwitch,
  type OperatorFlag,
  type ReducingState,
  type TradingState,
} from "../lib/account/ledger";
import { markPrice, releaseEntry } from "../lib/account/transitions";
import { bookClose, bookEntryFilled, bookFunding, entryRequested, exitRequested, type RequestResult } from "../lib/account/reactions";
import { acceptEntry } from "../lib/account/accept-entry";
import { controlRefusal, engageKill, enterReducing, pauseEntries, resumable, tradingStateOf } from "../lib/risk/controls";
import { cooldownsInForce, type ProtectionsConfig } from "../lib/risk/protections";
import { resumeTrading, updateTradingState } from "../lib/risk/trading-state";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type {
  EntryFilledMessage,
  FundingSettledMessage,
  EntryRequestMessage,
  ExecutionReportMessage,
  ExitRequestMessage,
  ForceExitRequest,
  KillRequest,
  OperatorAction,
  OperatorCommand,
  OperatorRequest,
  PositionClosedMessage,
  ReducingRequest,
} from "./messages";
import { actorName, exchangeSymbol } from "./names";

/** The last pass of reconciliation, for GET /api/status. */
export interface StoredReconciliation {
  at: number;
  wallAt: number;
  differences: Difference[];
  repaired: string[];
  reduce: string | null;
}

export interface AccountSetup {
  portfolio: string;
  venue: string;
  /** Exchange REST base, handed to positions for prices when the feed is silent. */
  restUrl: string;
  symbols: string[];
  initialCash: number;
}

export type { RequestResult } from "../lib/account/reactions";

/** The operator's view of the account: state, flags, cooldowns in force and recent actions. */
export interface ControlsView {
  portfolio: string | null;
  tradingState: TradingState;
  /** The risk limit that halted the account, when HALTED. */
  haltReason: string | null;
  /** Why an entry would be refused now by state, a flag or the loss-streak cooldown (per-symbol cooldowns are listed below). */
  entriesRefused: string | null;
  paused: OperatorFlag | null;
  kill: KillSwitch | null;
  reducing: ReducingState | null;
  cooldowns: { lossStreak: number; streak: Cooldown | null; symbols: ({ symbol: string } & Cooldown)[] };
  protections: ProtectionsConfig;
  positions: { id: string; symbol: string; status: "pending" | "open" }[];
  recentActions: OperatorAction[];
  at: number;
}

export type ControlResult = { ok: true; action: OperatorAction | null; controls: ControlsView; positions: string[] } | { ok: false; code: "not_started" | "no_position"; detail: string };

/** Operator actions kept in the actor for GET /api/controls (D1 `operator_actions` keeps them all). */
const RECENT_ACTIONS = 50;
const NOT_STARTED = { ok: false, code: "not_started", detail: "the account is not initialised: POST /api/engine/start first" } as const;

/**
 * The account of one portfolio: cash, equity, exposure, trading state and the list of positions.
 * It sizes and risk-checks every entry, creates the PositionActor, and books fills and closes.
 * Every handler is idempotent: entries are keyed by decision and symbol, fills and closes by position.
 */
/** The account's timers: the exchange reconciliation and the periodic equity snapshot. */
type AccountTimers = { reconcile: null; snapshot: null };

/** How long after its close a perpetual is still asked to read the venue before reconciliation reduces (the venue's grace for booking a settlement, and a margin). */
const RECENT_PERP_CLOSE_MS = VENUE_FUNDING_GRACE_MS + 5 * 60_000;

export class AccountActor extends Actor<AccountTimers> {
  protected readonly timerHandlers: TimerHandlers<AccountTimers> = {
    reconcile: () => this.reconcile(),
    snapshot: () => this.periodicSnapshot(),
  };

  private setup: AccountSetup | null = this.kv.get<AccountSetup>("setup") ?? null;
  private book: AccountBook | null = this.kv.get<AccountBook>("book") ?? null;
  private broker: VenuesBroker | null = null;
  private reconciling = false;
  private reconcileAgain = false;

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Creates the portfolio with its initial cash; a second call keeps the existing book. */
  async init(setup: AccountSetup) {
    // The portfolio in D1 `portfolios` (the API's `?portfolio=` and GET /api/portfolios), stamped with the wall clock;
    // its cash and creation only with the book they describe.
    const wall = this.clock.wall();
    const listed: HistoryRow = { name: setup.portfolio, venue: setup.venue, symbols_json: JSON.stringify(setup.symbols), started_at: wall };
    if (!this.book) {
      this.book = newAccountBook(setup.initialCash, this.clock.now());
      this.kv.put("book", this.book);
      this.log.info("account.created", { portfolio: setup.portfolio, cash: setup.initialCash });
      Object.assign(listed, { initial_cash: setup.initialCash, created_at: wall });
    }
    this.setup = setup;
    this.kv.put("setup", setup);
    this.kv.delete("userStreamStopped");
    this.record("portfolios", listed);
    this.timers.scheduleBy("snapshot", this.clock.wall() + 1_000);
    // With the exchange broker the book is reconciled with the exchange at start and then periodically.
    if (executionSettings(this.env).broker === "exchange") this.timers.scheduleBy("reconcile", this.clock.wall());
    // Flushed now: the API addresses the portfolio by its row as soon as the start answers.
    await this.flush();
    return this.summary();
  }

  /**
   * An order event of the user-data stream: mailed on to every position of its symbol in the book (pending or
   * open); the one that owns the client order id applies it. Keyed by the stream's count, so a redelivery
   * posts nothing new while the first is on its way.
   */
  async onExecutionReport(msg: ExecutionReportMessage): Promise<void> {
    const setup = this.setup;
    const book = this.book;
    if (!setup || !book) return;
    const wall = this.clock.wall();
    for (const p of Object.values(book.positions)) {
      if (exchangeSymbol(p.symbol) !== msg.symbol) continue;
      this.mailbox.post(`report:${msg.seq}:${p.id}`, "POSITION", actorName.position(setup.portfolio, p.id), "onExecutionReport", msg, wall);
    }
    await this.flush();
  }

  /** Asked by the user-data stream once it (re)subscribed: reconcile now (again after a pass under way). */
  async reconcileSoon(_why: { reason: string }): Promise<void> {
    if (!this.setup || executionSettings(this.env).broker !== "exchange") return;
    if (this.reconciling) this.reconcileAgain = true;
    else this.timers.schedule("reconcile", this.clock.wall());
    await this.arm();
  }

  /** The engine stopped: the user-data stream is closed, and stays closed until the next `init`. */
  async stopUserStream(): Promise<void> {
    this.kv.put("userStreamStopped", true);
    const portfolio = this.setup?.portfolio;
    if (portfolio) await this.env.USER_STREAM.getByName(actorName.userStream(portfolio)).stop();
  }

  /** The last reconciliation with the exchange (exchange broker), or null. */
  reconciliation(): StoredReconciliation | null {
    return this.kv.get<StoredReconciliation>("reconciliation") ?? null;
  }

  summary() {
    const book = this.requireBook();
    const state = tradingStateOf(book);
    return {
      portfolio: this.setup?.portfolio ?? null,
      cash: book.cash,
      available: availableCash(book),
      equity: equity(book),
      exposure: exposure(book),
      realizedPnl: book.realizedPnl,
      feesPaid: book.feesPaid,
      peakEquity: book.peakEquity,
      dayStartEquity: book.dayStartEquity,
      // The decision snapshot knows ACTIVE and HALTED: REDUCING (exits only, like a halt) shows as HALTED there; `state` names it.
      tradingState: (state === "ACTIVE" ? "ACTIVE" : "HALTED") as HaltState,
      haltReason: book.haltReason ?? (book.controls?.reducing ? `REDUCING: ${book.controls.reducing.reason}` : null),
      state,
      /** Why an entry would be refused now by an operator flag or REDUCING; null when none holds. */
      entriesRefused: controlRefusal(book),
      closedCount: book.closedCount,
      positions: Object.values(book.positions),
      at: this.clock.now(),
    };
  }

  async requestEntry(req: EntryRequestMessage): Promise<RequestResult> {
    const setup = this.requireSetup();
    const key = `entry:${req.decisionId}:${req.symbol}`;
    const earlier = this.kv.get<RequestResult>(key);
    if (earlier) return earlier;
    this.clock.observe(req.at);
    const now = this.clock.now();
    const { book, result, opens } = entryRequested(this.requireBook(), req, setup.portfolio, this.config, now);
    if (opens.length === 0) this.log.info("account.entry_denied", { decisionId: req.decisionId, symbol: req.symbol, reason: result.detail });
    for (const open of opens) {
      const msg = { ...open, venue: setup.venue, restUrl: setup.restUrl, at: now };
      this.mailbox.post(`open:${open.id}`, "POSITION", actorName.position(setup.portfolio, open.id), "open", msg, this.clock.wall());
      this.log.info("account.entry_accepted", { decisionId: req.decisionId, positionId: open.id, notional: open.notional, ...(open.group ? { group: open.group } : {}) });
    }
    this.saveBook(book);
    this.kv.put(key, result);
    await this.flush();
    return result;
  }

  /**
   * Would an entry of `positionPct` of equity in `symbol` pass the risk checks now, and why not (POST /api/risk/check)?
   * The same check as a decision's entry, on the book as it stands; nothing is reserved or written.
   */
  checkEntry(req: { symbol: string; positionPct: number }): { accepted: boolean; detail: string; notional: number | null; tradingState: string } | null {
    const book = this.book;
    if (!book) return null;
    const a = acceptEntry(book, { decisionId: "risk-check", symbol: req.symbol, positionPct: req.positionPct }, this.config, this.clock.now());
    return { accepted: a.accepted, detail: a.detail, notional: a.accepted ? a.notional : null, tradingState: a.book.tradingState };
  }

  async requestExit(req: ExitRequestMessage): Promise<RequestResult> {
    const setup = this.requireSetup();
    const key = `exit:${req.decisionId}:${req.symbol}`;
    const earlier = this.kv.get<RequestResult>(key);
    if (earlier) return earlier;
    this.clock.observe(req.at);
    const { result, exits } = exitRequested(this.requireBook(), req);
    for (const exit of exits) {
      const msg = { kind: "decision", reason: req.reason, at: this.clock.now() };
      this.mailbox.post(`exit:${exit}:${req.decisionId}`, "POSITION", actorName.position(setup.portfolio, exit), "requestExit", msg, this.clock.wall());
    }
    this.kv.put(key, result);
    await this.flush();
    return result;
  }

  async onEntryFilled(msg: EntryFilledMessage): Promise<void> {
    const before = this.requireBook();
    this.clock.observe(msg.at);
    const book = bookEntryFilled(before, msg, this.config.risk, this.clock.now());
    if (book === before) return;
    this.saveBook(book);
    this.closeOrphans("its partner's entry failed before this leg filled");
    await this.snapshotEquity("entry filled");
  }

  /**
   * Both legs of a position group or neither: every open leg whose partner is gone from the book (closed, failed) is
   * asked to exit, in the same step as the book change that orphaned it, and alerted. Idempotent (one mail per leg).
   */
  private closeOrphans(why: string): number {
    const setup = this.setup;
    if (!setup) return 0;
    let posted = 0;
    for (const id of orphanedLegs(this.requireBook())) {
      // Once per leg: later reports while it exits find it still orphaned and change nothing.
      if (this.kv.get<boolean>(`orphaned:${id}`)) continue;
      this.kv.put(`orphaned:${id}`, true);
      const msg = { kind: "orphan", reason: `orphan leg: ${why}`, at: this.clock.now() };
      this.mailbox.post(`orphan:${id}`, "POSITION", actorName.position(setup.portfolio, id), "requestExit", msg, this.clock.wall());
      this.alert("orphan_leg", { position: id, why });
      posted++;
    }
    return posted;
  }

  /** A futures position's funding settlement: the book takes its funding total (a repeated report changes nothing). */
  async onFunding(msg: FundingSettledMessage): Promise<void> {
    const before = this.requireBook();
    this.clock.observe(msg.at);
    const book = bookFunding(before, msg);
    if (book === before) return;
    this.saveBook(book);
    await this.snapshotEquity("funding settled");
  }

  async onEntryFailed(msg: { positionId: string; reason: string }): Promise<void> {
    const before = this.requireBook();
    const book = releaseEntry(before, msg.positionId);
    if (book === before) return;
    this.log.warn("account.entry_failed", msg);
    this.saveBook(book);
    // Without a flush (below), the alarm delivers an orphan's exit mail: armed now, not left for the next timer.
    if (this.closeOrphans(`the other leg's entry failed: ${msg.reason}`) > 0) this.ctx.waitUntil(this.arm());
    // No flush: releasing a reservation sends nothing. And this can arrive while this account's own
    // mailbox is delivering the message that caused it (the kill switch's `cancel_orders` fails a
    // waiting entry, and the position reports back inside that call): a flush here would wait for
    // that delivery, which waits for this call.
  }

  async onPositionClosed(msg: PositionClosedMessage): Promise<void> {
    const before = this.requireBook();
    this.clock.observe(msg.closedAt);
    const next = bookClose(before, msg, this.config.risk, this.clock.now());
    if (next === before) return;
    // Saved before the first await, so nothing delivered meanwhile works on the book without this close.
    this.saveBook(next);
    // An orphan's once-only flag goes with it: the closed leg has left the book, so nothing can orphan it again.
    this.kv.delete(`orphaned:${msg.positionId}`);
    if (msg.venue === "futures") this.notePerpClose(msg.positionId);
    this.closeOrphans(`the other leg closed (${msg.exitKind}: ${msg.exitReason})`);
    const streak = next.protections?.streakCooldown;
    const streakStarted = streak && streak !== before.protections?.streakCooldown;
    if (streakStarted) this.log.warn("account.loss_streak_cooldown", { until: streak.until, reason: streak.reason });
    if (next.tradingState !== before.tradingState) {
      this.log.warn("account.halted", { reason: next.haltReason });
      await this.emit(this.setup!.portfolio, "risk.alert", { tradingState: next.tradingState, reason: next.haltReason });
    }
    if (streakStarted) await this.emit(this.setup!.portfolio, "risk.alert", { kind: "loss_streak_cooldown", until: streak.until, reason: streak.reason });
    await this.snapshotEquity("position closed");
  }

  // ---- operator controls ----------------------------------------------------------------------
  // Each one is a single synchronous step (book, action row, mail to positions) before any await.

  /** Pauses entries (exits go on). Cleared by `resume`. */
  async pause(req: OperatorRequest): Promise<ControlResult> {
    const setup = this.setup;
    const before = this.book;
    if (!setup || !before) return NOT_STARTED;
    this.saveBook(pauseEntries(before, req, this.clock.now()));
    const action = this.recordAction(setup.portfolio, "pause", req.by, req.reason, { alreadyPaused: before.controls?.paused ?? null });
    this.log.warn("account.paused", { by: req.by, reason: req.reason });
    await this.flush();
    await this.emit(setup.portfolio, "risk.alert", { kind: "pause", tradingState: tradingStateOf(this.requireBook()), by: req.by, reason: req.reason, action: action.id });
    return this.controlResult(action, []);
  }

  /**
   * Clears the pause and the kill switch, leaves REDUCING, and ends a daily-loss or drawdown halt
   * (`resumeTrading`): the only way out of each. Cooldowns of the protections run their course.
   * After a kill, every position in the book is mailed `release` (the kill's hold on it ends).
   */
  async resume(req: OperatorRequest = { by: "api", reason: "resume" }): Promise<ControlResult> {
    const setup = this.setup;
    const before = this.book;
    if (!setup || !before) return NOT_STARTED;
    const cleared = resumable(before);
    const book = resumeTrading(before);
    this.saveBook(book);
    // A kill holds the positions it cancelled (on an exchange, no new protective stop): released here.
    const released = before.controls?.kill ? Object.keys(book.positions) : [];
    const action = this.recordAction(setup.portfolio, "resume", req.by, req.reason, released.length ? { cleared, released } : { cleared });
    for (const id of released) this.mailOperator(setup.portfolio, action.id, id, { kind: "release", reason: req.reason, by: req.by });
    this.log.warn("account.resumed", { by: req.by, reason: req.reason, cleared });
    await this.flush();
    await this.emit(setup.portfolio, "risk.alert", { kind: "resume", tradingState: tradingStateOf(this.requireBook()), by: req.by, reason: req.reason, cleared, action: action.id });
    return this.controlResult(action, released);
  }

  /**
   * The kill switch: refuses entries until a resume (stored in the book, so it survives restarts),
   * and mails every position in the book `cancel_orders` (an entry waiting for its fill ends failed
   * and its cash is released) and, with `flatten`, `exit` after it. The mail is sent before this
   * returns (the mailbox retries a position that does not answer).
   */
  async kill(req: KillRequest): Promise<ControlResult> {
    const setup = this.setup;
    const before = this.book;
    if (!setup || !before) return NOT_STARTED;
    const flatten = req.flatten === true;
    const book = engageKill(before, { by: req.by, reason: req.reason, flatten }, this.clock.now());
    this.saveBook(book);
    const targets = Object.keys(book.positions);
    const action = this.recordAction(setup.portfolio, "kill", req.by, req.reason, { flatten, positions: targets });
    for (const id of targets) {
      this.mailOperator(setup.portfolio, action.id, id, { kind: "cancel_orders", reason: req.reason, by: req.by });
      if (flatten) this.mailOperator(setup.portfolio, action.id, id, { kind: "exit", reason: req.reason, by: req.by });
    }
    this.log.error("account.kill_switch", { by: req.by, reason: req.reason, flatten, positions: targets });
    await this.flush();
    await this.emit(setup.portfolio, "risk.alert", { kind: "kill", tradingState: tradingStateOf(this.requireBook()), by: req.by, reason: req.reason, flatten, positions: targets, action: action.id });
    return this.controlResult(action, targets);
  }

  /**
   * Exits one position (or every one, `positionId` null) at the market, whatever the trading state.
   * An entry still waiting for its fill is cancelled first; one that filled meanwhile exits.
   */
  async forceExit(req: ForceExitRequest): Promise<ControlResult> {
    const setup = this.setup;
    const book = this.book;
    if (!setup || !book) return NOT_STARTED;
    const targets = req.positionId === null ? Object.values(book.positions) : [book.positions[req.positionId]].filter((p) => p !== undefined);
    if (req.positionId !== null && targets.length === 0) return { ok: false, code: "no_position", detail: `no position ${req.positionId} in the book (pending or open)` };
    const ids = targets.map((p) => p.id);
    const action = this.recordAction(setup.portfolio, req.positionId === null ? "exit_all" : "force_exit", req.by, req.reason, { positions: ids });
    for (const p of targets) {
      if (p.status === "pending") this.mailOperator(setup.portfolio, action.id, p.id, { kind: "cancel_orders", reason: req.reason, by: req.by });
      this.mailOperator(setup.portfolio, action.id, p.id, { kind: "exit", reason: req.reason, by: req.by });
    }
    this.log.warn("account.force_exit", { by: req.by, reason: req.reason, positions: ids });
    await this.flush();
    return this.controlResult(action, ids);
  }

  /**
   * REDUCING (exits only), called by the reconciliation on an unclear difference between the
   * exchange and the book; left only by an operator's resume. A second call while REDUCING changes
   * nothing and records nothing.
   */
  async enterReducing(req: ReducingRequest): Promise<ControlResult> {
    const setup = this.setup;
    const before = this.book;
    if (!setup || !before) return NOT_STARTED;
    const book = enterReducing(before, req.reason, req.detail ?? null, this.clock.now());
    if (book === before) return this.controlResult(null, []);
    this.saveBook(book);
    const action = this.recordAction(setup.portfolio, "enter_reducing", "reconciliation", req.reason, req.detail ?? null);
    this.log.error("account.reducing", { reason: req.reason });
    await this.flush();
    await this.emit(setup.portfolio, "risk.alert", { kind: "reducing", tradingState: tradingStateOf(this.requireBook()), reason: req.reason, detail: req.detail ?? null, action: action.id });
    return this.controlResult(action, []);
  }

  /** Current trading state, operator flags, cooldowns in force and recent operator actions; null before init. */
  controls(): ControlsView | null {
    const book = this.book;
    if (!book) return null;
    const now = this.clock.now();
    const cooldowns = cooldownsInForce(book, now);
    const state = tradingStateOf(book);
    return {
      portfolio: this.setup?.portfolio ?? null,
      tradingState: state,
      haltReason: book.haltReason,
      entriesRefused:
        controlRefusal(book) ??
        (state === "HALTED" ? `trading is HALTED: ${book.haltReason ?? "no reason recorded"}` : null) ??
        (cooldowns.streak ? `loss-streak cooldown: ${cooldowns.streak.reason}` : null),
      paused: book.controls?.paused ?? null,
      kill: book.controls?.kill ?? null,
      reducing: book.controls?.reducing ?? null,
      cooldowns,
      protections: { lossStreak: this.config.risk.lossStreak, stopCooldownMs: this.config.risk.stopCooldownMs },
      positions: Object.values(book.positions).map((p) => ({ id: p.id, symbol: p.symbol, status: p.status })),
      recentActions: [...(this.kv.get<OperatorAction[]>("operatorActions") ?? [])].reverse(),
      at: now,
    };
  }

  /** Keeps the action in the actor and writes its D1 row through the outbox (same synchronous step). */
  private recordAction(portfolio: string, kind: OperatorAction["action"], by: string, reason: string, detail: unknown): OperatorAction {
    const seq = (this.kv.get<number>("operatorSeq") ?? 0) + 1;
    this.kv.put("operatorSeq", seq);
    const action: OperatorAction = { id: `${portfolio}:op${seq}`, at: this.clock.now(), action: kind, by, reason, detail };
    const recent = this.kv.get<OperatorAction[]>("operatorActions") ?? [];
    this.kv.put("operatorActions", [...recent, action].slice(-RECENT_ACTIONS));
    this.record("operator_actions", { id: action.id, portfolio, at: action.at, action: kind, by, reason, detail_json: JSON.stringify(detail ?? null) });
    return action;
  }

  /** Mail to a position's `operatorCommand`, keyed by action and position so it is sent once. */
  private mailOperator(portfolio: string, actionId: string, positionId: string, cmd: OperatorCommand): void {
    this.mailbox.post(`operator:${actionId}:${positionId}:${cmd.kind}`, "POSITION", actorName.position(portfolio, positionId), "operatorCommand", cmd, this.clock.wall());
  }

  private controlResult(action: OperatorAction | null, positions: string[]): ControlResult {
    return { ok: true, action, controls: this.controls()!, positions };
  }

  // ---- timers -------------------------------------------------------------------------------

  private async periodicSnapshot(): Promise<void> {
    if (!this.setup) return;
    await this.markToMarket();
    await this.snapshotEquity("periodic");
    this.timers.schedule("snapshot", this.clock.wall() + this.config.account.snapshotIntervalMs);
  }

  /**
   * Compares the exchange's balances and open orders with the book and the positions' working orders.
   * The first pass records the baseline (what the exchange holds beyond the book). A clear difference is
   * repaired by the position that owns it; an unclear one puts the account in REDUCING with an alert.
   */
  private async reconcile(): Promise<void> {
    const setup = this.setup;
    if (!setup || executionSettings(this.env).broker !== "exchange") return;
    const broker = this.exchangeBroker(setup);
    const ctx = {
      env: this.env,
      portfolio: setup.portfolio,
      venue: setup.venue,
      symbols: setup.symbols,
      quote: this.config.quoteAsset,
      initialCash: setup.initialCash,
      broker,
      dustNotional: this.config.execution.dustNotional,
      perps: this.config.market.type === "futures" ? setup.symbols : [],
    };
    // Set before the first await: a resync asked for meanwhile (reconcileSoon) is kept as reconcileAgain, not overwritten.
    this.reconciling = true;
    try {
      await this.ensureUserStream(setup);
      // A baseline taken before the portfolio traded perpetuals holds neither the USD-M wallet nor their positions: taken again.
      const stored = this.kv.get<Record<string, number>>("exchangeBaseline");
      if (!stored || ctx.perps.some((s) => !(perpKey(s) in stored))) {
        const baseline = await takeBaseline(ctx, () => this.requireBook());
        if (!baseline) {
          this.log.info("account.exchange_baseline_deferred", { reason: "orders in flight" });
          return;
        }
        this.kv.put("exchangeBaseline", baseline);
        this.log.info("account.exchange_baseline", { baseline });
      }
      const baseline = this.kv.get<Record<string, number>>("exchangeBaseline")!;
      let result = await gatherAndReconcile(ctx, baseline, () => this.requireBook());
      // The venue books what it does to perpetuals (funding, a liquidation) without an order of ours: before a difference
      // with no clear truth reduces the account, the open perpetuals read the venue and the pass is taken again.
      const perps = [...Object.values(this.requireBook().positions).flatMap((p) => (p.venue === "futures" && p.status === "open" ? [p.id] : [])), ...this.recentPerpCloses()];
      await this.repair(setup, result.repair);
      if (result.reduce && perps.length > 0) {
        // Those repaired just now read the venue already.
        await this.repair(
          setup,
          perps.filter((id) => !result.repair.includes(id)),
        );
        result = await gatherAndReconcile(ctx, baseline, () => this.requireBook());
        await this.repair(setup, result.repair);
      }
      const at = this.clock.now();
      this.kv.put("reconciliation", { at, wallAt: this.clock.wall(), differences: result.differences, repaired: result.repair, reduce: result.reduce });
      if (result.differences.length > 0) this.log.warn("account.reconciliation", { differences: result.differences, repair: result.repair, reduce: result.reduce });
      if (result.reduce) await this.enterReducing({ reason: `reconciliation: ${result.reduce}`, detail: result.differences });
    } catch (err) {
      this.log.warn("account.reconciliation_failed", { error: errorMessage(err) });
    } finally {
      this.timers.schedule("reconcile", this.clock.wall() + (this.reconcileAgain ? 0 : this.config.execution.reconcileEveryMs));
      this.reconciling = this.reconcileAgain = false;
    }
  }

  /**
   * Perpetuals closed within the venue's grace for booking a settlement (the venue may book one of just before the close
   * after it): reconciliation asks them to read the venue too before it reduces. Kept in one step with the close.
   */
  private notePerpClose(positionId: string): void {
    const wall = this.clock.wall();
    const recent = Object.fromEntries(Object.entries(this.kv.get<Record<string, number>>("recentPerpCloses") ?? {}).filter(([, at]) => wall - at < RECENT_PERP_CLOSE_MS));
    this.kv.put("recentPerpCloses", { ...recent, [positionId]: wall });
  }

  private recentPerpCloses(): string[] {
    const wall = this.clock.wall();
    return Object.entries(this.kv.get<Record<string, number>>("recentPerpCloses") ?? {}).flatMap(([id, at]) => (wall - at < RECENT_PERP_CLOSE_MS ? [id] : []));
  }

  /** Asks each position to query its orders (and a perpetual to read the venue) now. */
  private async repair(setup: AccountSetup, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await this.env.POSITION.getByName(actorName.position(setup.portfolio, id))
        .reconcileOrders()
        .catch((err: unknown) => this.log.warn("account.repair_failed", { position: id, error: errorMessage(err) }));
    }
  }

  /** The user-data stream runs beside polling while the engine runs (re-ensured at every pass, so after any restart). */
  private async ensureUserStream(setup: AccountSetup): Promise<void> {
    if (!this.config.execution.userStream || this.kv.get("userStreamStopped")) return;
    try {
      await this.env.USER_STREAM.getByName(actorName.userStream(setup.portfolio)).ensure({ portfolio: setup.portfolio, restUrl: brokerRestBase(this.env, setup.restUrl) });
    } catch (err) {
      this.log.warn("account.user_stream_unavailable", { error: errorMessage(err) });
    }
  }

  /** The venues the portfolio trades on: spot, and USD-M futures on a futures market (its perpetuals and carries). */
  private exchangeBroker(setup: AccountSetup): VenuesBroker {
    if (!this.broker) {
      const onAlert = (reason: string, detail: string) => this.alert(`exchange_${reason}`, { detail });
      const markets: BinanceMarket[] = this.config.market.type === "futures" ? ["spot", "usdm"] : ["spot"];
      this.broker = venuesBroker(markets.map((m) => brokerFromEnv(this.env, setup.restUrl, this.config.exchange.restTimeoutMs, onAlert, this.config.execution.recvWindowMs, m)));
    }
    return this.broker;
  }

  /**
   * Marks the open positions at their tickers' last prices. The quotes are asked first; the book is read
   * after them and saved before anything else awaits: a fill or close delivered while a quote is on its
   * way lands in between, and a book read before the quotes would overwrite it.
   */
  private async markToMarket(): Promise<void> {
    const setup = this.requireSetup();
    const symbols = [
      ...new Set(
        Object.values(this.requireBook().positions)
          .filter((p) => p.status === "open")
          .map((p) => p.symbol),
      ),
    ];
    // A flat book has nothing to mark, but in feed-clock mode the account's time is the market's: one quote keeps it
    // moving (else its equity rows and portfolio updates stay at 1970 until the first fill).
    const asked = symbols.length > 0 || !this.clock.isFeed ? symbols : setup.symbols.slice(0, 1);
    const prices: [string, number][] = [];
    for (const symbol of asked) {
      try {
        const q = await this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).quote();
        if (q.price !== null) {
          prices.push([symbol, q.price]);
          if (q.at !== null) this.clock.observe(q.at);
        }
      } catch (err) {
        this.log.warn("account.mark_failed", { symbol, error: errorMessage(err) });
      }
    }
    let book = this.requireBook();
    for (const [symbol, price] of prices) if (symbols.includes(symbol)) book = markPrice(book, symbol, price);
    const next = updateTradingState(book, this.config.risk, this.clock.now());
    this.saveBook(next);
    if (next.tradingState !== book.tradingState) await this.emit(setup.portfolio, "risk.alert", { tradingState: next.tradingState, reason: next.haltReason });
  }

  private async snapshotEquity(why: string): Promise<void> {
    const setup = this.requireSetup();
    const s = this.summary();
    const at = this.clock.now();
    // Feed-clock mode before any market time has reached the account: no row at 1970.
    if (at === 0) return;
    this.record("equity_snapshots", {
      id: `${setup.portfolio}:${at}`,
      portfolio: setup.portfolio,
      at,
      cash: s.cash,
      equity: s.equity,
      exposure: s.exposure,
      realized_pnl: s.realizedPnl,
      fees_paid: s.feesPaid,
      open_positions: s.positions.length,
      trading_state: s.state,
    });
    await this.emit(
      setup.portfolio,
      "portfolio.update",
      { why, cash: s.cash, equity: s.equity, exposure: s.exposure, realizedPnl: s.realizedPnl, tradingState: s.tradingState, positions: s.positions.length },
      at,
    );
    await this.flush();
  }

  private saveBook(book: AccountBook): void {
    this.book = book;
    this.kv.put("book", book);
  }

  private requireBook(): AccountBook {
    if (!this.book) throw new Error("account not initialised: POST /api/engine/start first");
    return this.book;
  }

  private requireSetup(): AccountSetup {
    if (!this.setup) throw new Error("account not initialised: POST /api/engine/start first");
    return this.setup;
  }
}
