import { errorMessage } from "../adapters/log";
import { BinanceRest } from "../adapters/exchange/binance-rest";
import type { Broker } from "../adapters/exchange/broker";
import { brokerFromEnv } from "../adapters/exchange/broker-from-env";
import { applyVenueFunding, closeByVenue, VENUE_FUNDING_GRACE_MS, venueFundingDue } from "../lib/execution/venue-futures";
import { applyBrokerReport, markAnswered, markSent, needsBroker, orderCommands, resumeUnanswered } from "../lib/execution/exchange-orders";
import { assetsOf } from "../lib/util/symbols";
import { isFinal, type OrderRecord } from "../lib/execution/order";
import { exchangeBroker, paperBroker, pricePosition, type PositionBroker } from "../lib/execution/brokers";
import {
  changedPosition,
  isFinished,
  markRejected,
  applyReview,
  markReviewed,
  reviewDue,
  newPosition,
  requestExit,
  settleDueFunding,
  positionLiquidationPrice,
  type FundingSettlement,
  type OpenPositionInput,
  type PositionState,
} from "../lib/execution/position";
import { executionSettings } from "../lib/execution/mode";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { ExecutionReportMessage, PositionClosedMessage, PriceUpdate, StreamEvent } from "./messages";
import type { MaterialMove } from "../lib/gate/materiality";
import { closedMessage, positionReports } from "../lib/execution/position-reports";
import { actorName, exchangeSymbol } from "./names";
import { episodeOf } from "../lib/memory/episodes";
import { episodeRow } from "../adapters/store/episodes";

export interface PositionOpenMessage extends OpenPositionInput {
  venue: string;
  restUrl: string;
  /** Engine time of the decision that opened it. */
  at: number;
}

function resumeLoaded(pos: PositionState | null, now: number): PositionState | null {
  return pos && pos.orders.some((o) => o.status === "sent") ? resumeUnanswered(pos, now) : pos;
}

/**
 * One position's whole life: entry intent → paper fill at the next real price → open under the
 * safety layer (every tick, and a 30 s alarm when ticks stop) → exit → closed. Every order is
 * written with its deterministic client order id before it is submitted; every report to the
 * account and learner goes through the mailbox, keyed by position, so it lands exactly once.
 */
/** The position's timers: the safety layer without prices, the exchange orders' work, a USD-M position's look at the venue. */
type PositionTimers = { safety: null; orders: null; venue: null };

/** How often a USD-M position on the exchange asks the venue for a settlement it has not booked yet. */
const VENUE_FUNDING_POLL_MS = 30_000;
/**
 * After its close, a USD-M position asks the venue again for a settlement before the close that it booked late: at these
 * wall times after the close, until the venue's grace for booking one (VENUE_FUNDING_GRACE_MS) is over.
 */
const VENUE_LATE_CHECKS_MS = [30_000, 2 * 60_000, 5 * 60_000, VENUE_FUNDING_GRACE_MS + 30_000];

export class PositionActor extends Actor<PositionTimers> {
  protected readonly timerHandlers: TimerHandlers<PositionTimers> = {
    safety: () => this.safetyCheck(),
    orders: () => this.runOrders(),
    venue: () => this.checkVenue(false, true),
  };

  /** Loaded by this instance: an order left `sent` has its grace restarted (resumeUnanswered), persisted with the next change. */
  private pos: PositionState | null = resumeLoaded(
    this.quarantine.restore("pos", checkedPosition, () => null),
    this.clock.wall(),
  );
  /** Client order ids whose placement request this instance has in flight. */
  private readonly placing = new Set<string>();
  private venue: string | null = this.kv.get<string>("venue") ?? null;
  private restUrl: string | null = this.kv.get<string>("restUrl") ?? null;
  private lastPriceWall: number | null = null;
  /** Who fills this position's orders, fixed when it opens: a mode change never moves a position to another broker. */
  private brokerKind: "paper" | "exchange" = this.kv.get<"paper" | "exchange">("broker") ?? "paper";
  private exchange: Broker | null = null;
  private brokerModel: PositionBroker | null = null;
  /** The funding settlements the ticker last passed on (a USD-M position on the exchange asks the venue what each moved). */
  private fundingPoints: readonly FundingSettlement[] = [];

  protected override alertPortfolio(): string | null {
    return this.pos?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Opens the position; a repeated call returns the position as it stands. */
  async open(msg: PositionOpenMessage): Promise<PositionState> {
    if (this.pos) return this.pos;
    this.clock.observe(msg.at);
    const now = this.clock.now();
    this.venue = msg.venue;
    this.kv.put("venue", msg.venue);
    this.restUrl = msg.restUrl;
    this.kv.put("restUrl", msg.restUrl);
    const { venue: _venue, restUrl: _restUrl, at: _at, ...input } = msg;
    const settings = executionSettings(this.env);
    this.brokerKind = settings.broker;
    this.kv.put("broker", settings.broker);
    let first = newPosition(input, now);
    if (settings.error) first = markRejected(first, first.orders[0]!.clientOrderId, settings.error);
    // One synchronous step: the position, its order intent, the ticker subscription and the safety timer.
    const events = this.transition(first);
    this.mailbox.post(`watch:${msg.id}`, "TICKER", actorName.ticker(msg.venue, msg.symbol), "watch", actorName.position(msg.portfolio, msg.id), this.clock.wall());
    this.timers.schedule("safety", this.clock.wall() + this.config.exits.safetyIntervalMs);
    await this.publish(events);
    return this.pos!;
  }

  /** A price from the ticker. Answers whether the ticker should keep sending prices. */
  async onPrice(update: PriceUpdate): Promise<{ watching: boolean }> {
    const pos = this.pos;
    if (!pos) return { watching: false };
    if (isFinished(pos)) return { watching: false };
    if (update.at > Date.now() + this.config.exchange.maxClockAheadMs) {
      // A price stamped in the future would run time stops early: refused, counted in the log.
      this.log.warn("position.future_price_ignored", { position: pos.id, at: update.at });
      return { watching: true };
    }
    this.clock.observe(update.at);
    this.lastPriceWall = this.clock.wall();
    const events = this.transition(this.withPrice(pos, update.price, update.at, update.funding));
    if (this.venueFutures() && venueFundingDue(this.pos!, this.fundingPoints, update.at) && !this.timers.get("venue")) this.timers.schedule("venue", this.clock.wall());
    const watching = !isFinished(this.pos!);
    await this.publish(events);
    // A review due at this price runs before the ticker goes on (the gate's 5-signal check; a decision it wakes runs in
    // the gate's alarm): the gate hears of it before the price's closes and tick, in the same order every time.
    if (reviewDue(this.pos!, update.at, this.config.exits.reviewIntervalMs)) await this.review();
    return { watching };
  }

  /** An exit asked by a decision (or by hand); ignored unless the position is open. */
  async requestExit(req: { kind: string; reason: string; at?: number }): Promise<PositionState | null> {
    if (!this.pos) return null;
    if (req.at !== undefined) this.clock.observe(req.at);
    const events = this.transition(requestExit(this.pos, req.kind, req.reason, this.clock.now()));
    await this.publish(events);
    return this.pos;
  }

  /**
   * An operator's command, mailed by the account (kill switch, force exit): `cancel_orders` cancels
   * every order not filled yet; `exit` closes the position at the market. Idempotent.
   */
  async operatorCommand(cmd: { kind: "cancel_orders" | "exit" | "release"; reason: string; by: string }): Promise<PositionState | null> {
    if (!this.pos) return this.pos;
    if (isFinished(this.pos) && !this.pos.orders.some((o) => !isFinal(o))) return this.pos;
    const reason = `${cmd.reason} (operator ${cmd.by})`;
    let next: PositionState;
    if (cmd.kind === "exit") next = requestExit(changedPosition(this.pos, { hold: null }), "operator", reason, this.clock.now());
    else if (cmd.kind === "release") next = changedPosition(this.pos, { hold: null });
    else next = this.positionBroker().cancelAll(this.pos, reason);
    this.log.warn("position.operator_command", { position: this.pos.id, kind: cmd.kind, by: cmd.by, reason: cmd.reason });
    await this.publish(this.transition(next));
    return this.pos;
  }

  status(): PositionState | null {
    return this.pos;
  }

  /** Asked by the account's reconciliation: every working or unresolved order is queried now. */
  async reconcileOrders(): Promise<PositionState | null> {
    await this.runOrders(true);
    await this.checkVenue(true);
    await this.flush(); // arms the alarm for the orders timer runOrders may have set last
    return this.pos;
  }

  /**
   * An order event of the venue's user-data stream, mailed on by the account: applied like a polled report
   * when it names one of this position's orders (fills merge by trade id, so a repeated event changes nothing).
   */
  async onExecutionReport(msg: ExecutionReportMessage): Promise<PositionState | null> {
    const pos = this.pos;
    if (!pos || this.brokerKind !== "exchange" || !pos.orders.some((o) => o.clientOrderId === msg.clientOrderId)) return pos;
    const events = this.transition(applyBrokerReport(pos, msg.clientOrderId, msg.report, this.clock.wall(), assetsOf(pos.symbol), this.config.execution));
    // An order the event made due (the protective stop after the entry's fill) leaves now, not at the next poll.
    if (this.pos!.orders.some((o) => o.status === "intent")) this.timers.scheduleBy("orders", this.clock.wall());
    await this.publish(events);
    return this.pos;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * A futures position first settles the funding due by this price (marked at it), as the backtester does; then the
   * broker fills what fills at the price (the paper broker: the working order), then the safety layer runs.
   */
  private withPrice(pos: PositionState, price: number, at: number, funding?: readonly FundingSettlement[]): PositionState {
    if (funding?.length) this.fundingPoints = funding;
    // On the exchange the venue settles the funding: what it booked is read from it (checkVenue), not computed here.
    const settled = funding?.length && !this.venueFutures() ? settleDueFunding(pos, funding, price, at).state : pos;
    return pricePosition(this.positionBroker(), settled, price, at, this.config.exits).state;
  }

  /** The pure side of this position's broker (paper or exchange, fixed when it opened). */
  private positionBroker(): PositionBroker {
    if (this.brokerModel?.kind !== this.brokerKind) {
      this.brokerModel = this.brokerKind === "paper" ? paperBroker(this.config.paper) : exchangeBroker(this.config.exits, this.config.execution.protection);
    }
    return this.brokerModel;
  }

  /**
   * Persists a new state with every durable effect it causes, in one synchronous step: the broker's
   * take on it (paper: the intent submitted; exchange: the protective stop planned), history rows, mail
   * to the account, learner and ticker, timers. Returns the stream events to publish afterwards (best
   * effort: D1 keeps the record).
   */
  private transition(next: PositionState): StreamEvent[] {
    const before = this.pos;
    const broker = this.positionBroker();
    const after = broker.submit(next, this.clock.now());
    this.save(after);
    // The exchange broker works in the alarm: intents are sent, unknowns and working orders queried there.
    if (broker.needsIo(after) && !this.timers.get("orders")) this.timers.schedule("orders", this.clock.wall());
    return this.effectsOf(before, after);
  }

  /** Publishes the stream events of a transition, then delivers its mail and history. */
  private async publish(events: StreamEvent[]): Promise<void> {
    const portfolio = this.pos?.portfolio;
    if (portfolio) for (const e of events) await this.emit(portfolio, e.type, e.data, e.ts);
    await this.flush();
  }

  private effectsOf(before: PositionState | null, after: PositionState): StreamEvent[] {
    if (before === after) return [];
    const wall = this.clock.wall();
    const events: StreamEvent[] = [];
    for (const order of after.orders) {
      const prev = before?.orders.find((o) => o.clientOrderId === order.clientOrderId);
      if (prev?.status === order.status) continue;
      this.recordOrder(after, order);
      if (order.status === "submitted" && (prev === undefined || prev.status === "intent") && this.brokerKind === "paper") {
        this.log.info("position.order_submitted", { position: after.id, clientOrderId: order.clientOrderId, side: order.side, reason: order.reason });
      }
      if (order.status === "filled") {
        events.push({
          type: "order.filled",
          ts: order.filledAt ?? this.clock.now(),
          data: { positionId: after.id, clientOrderId: order.clientOrderId, symbol: after.symbol, side: order.side, price: order.fillPrice, qty: order.filledQty, fee: order.fee },
        });
      }
    }
    const reports = positionReports(before, after, this.clock.now());
    if (reports.entryFilled) {
      this.recordEpisode(after);
      this.mailbox.post(`filled:${after.id}`, "ACCOUNT", actorName.account(after.portfolio), "onEntryFilled", reports.entryFilled, wall);
      this.log.info("position.opened", { position: after.id, symbol: after.symbol, qty: after.qty, price: after.entryPrice });
      events.push({
        type: "position.opened",
        ts: reports.entryFilled.at,
        data: { positionId: after.id, symbol: after.symbol, qty: after.qty, entryPrice: after.entryPrice, fee: after.entryFee, reason: after.entryReason },
      });
    }
    if (before?.status !== "exiting" && after.status === "exiting") {
      this.log.info("position.exit_requested", { position: after.id, kind: after.exitKind, reason: after.exitReason });
    }
    if (reports.funding) {
      this.mailbox.post(`funding:${after.id}:${reports.funding.at}`, "ACCOUNT", actorName.account(after.portfolio), "onFunding", reports.funding, wall);
      this.log.info("position.funding_settled", {
        position: after.id,
        symbol: after.symbol,
        at: reports.funding.at,
        amount: reports.funding.amount,
        total: reports.funding.total,
        afterClose: reports.funding.afterClose ?? false,
      });
      if (reports.funding.afterClose) this.recordTrade(after, closedMessage(after, this.clock.now()));
    }
    if (reports.entryFailed) {
      this.mailbox.post(`failed:${after.id}`, "ACCOUNT", actorName.account(after.portfolio), "onEntryFailed", reports.entryFailed, wall);
      this.unwatch(after);
    }
    if (reports.closed) events.push(this.onClosed(after, reports.closed, reports.stop));
    if (this.changedBeyondPrice(before, after)) this.recordPosition(after);
    return events;
  }

  /** The close's durable effects (reports to the account, the learner and the gate, the trade row); returns its stream event. */
  private onClosed(p: PositionState, msg: PositionClosedMessage, stop: MaterialMove | null): StreamEvent {
    const wall = this.clock.wall();
    this.mailbox.post(`closed:${p.id}:account`, "ACCOUNT", actorName.account(p.portfolio), "onPositionClosed", msg, wall);
    this.mailbox.post(`closed:${p.id}:learner`, "LEARNER", actorName.learner(p.portfolio), "recordTrade", msg, wall);
    if (stop) this.mailbox.post(`closed:${p.id}:gate`, "GATE", actorName.gate(p.portfolio), "onMaterialMove", stop, wall);
    this.unwatch(p);
    this.timers.cancel("safety");
    this.recordEpisode(p);
    this.recordTrade(p, msg);
    // The venue may book a settlement of just before the close a moment after it: asked again (checkVenue).
    if (this.venueFutures()) this.timers.schedule("venue", wall + VENUE_LATE_CHECKS_MS[0]!);
    this.log.info("position.closed", { position: p.id, symbol: p.symbol, pnl: msg.pnl, kind: msg.exitKind, reason: msg.exitReason });
    return { type: "position.closed", ts: msg.closedAt, data: msg };
  }

  /** The D1 trade row of a closed position (upserted again when the venue books funding after the close). */
  private recordTrade(p: PositionState, msg: PositionClosedMessage): void {
    this.record("trades", {
      id: p.id,
      portfolio: p.portfolio,
      symbol: p.symbol,
      agent: p.agent,
      decision_id: p.decisionId,
      side: p.side ?? "long",
      funding: p.funding ?? 0,
      qty: p.qty,
      entry_price: p.entryPrice,
      exit_price: msg.exitPrice,
      entry_at: msg.openedAt,
      exit_at: msg.closedAt,
      fees: msg.fees,
      pnl: msg.pnl,
      pnl_pct: msg.pnlPct,
      exit_kind: msg.exitKind,
      exit_reason: msg.exitReason,
      entry_reason: p.entryReason,
    });
  }

  /** The position's episode (D1 `episodes`): opened with the entry's fill, upserted with its outcome and reflection at the close. */
  private recordEpisode(p: PositionState): void {
    const episode = episodeOf(p);
    if (episode) this.record("episodes", episodeRow(episode));
  }

  private unwatch(p: PositionState): void {
    if (!this.venue) return;
    this.mailbox.post(`unwatch:${p.id}`, "TICKER", actorName.ticker(this.venue, p.symbol), "unwatch", actorName.position(p.portfolio, p.id), this.clock.wall());
  }

  private changedBeyondPrice(before: PositionState | null, after: PositionState): boolean {
    return before === null || before.status !== after.status || before.orders !== after.orders || before.lastFundingAt !== after.lastFundingAt;
  }

  private save(p: PositionState): void {
    this.pos = p;
    this.kv.put("pos", p);
  }

  private recordOrder(p: PositionState, o: OrderRecord): void {
    this.record("orders", {
      id: o.clientOrderId,
      portfolio: p.portfolio,
      position_id: p.id,
      symbol: o.symbol,
      side: o.side,
      purpose: o.purpose,
      status: o.status,
      quote_qty: o.quoteQty,
      qty: o.qty,
      fill_price: o.fillPrice,
      filled_qty: o.filledQty,
      fee: o.fee,
      reason: o.reason,
      reject_reason: o.rejectReason,
      created_at: o.createdAt,
      submitted_at: o.submittedAt,
      filled_at: o.filledAt,
      type: o.type ?? "market",
      stop_price: o.stopPrice ?? null,
      limit_price: o.limitPrice ?? null,
      exchange_order_id: o.exchangeOrderId ?? null,
      fills_json: o.fills ? JSON.stringify(o.fills) : null,
    });
  }

  private recordPosition(p: PositionState): void {
    this.record("positions", {
      id: p.id,
      portfolio: p.portfolio,
      symbol: p.symbol,
      decision_id: p.decisionId,
      agent: p.agent,
      status: p.status,
      entry_reason: p.entryReason,
      requested_notional: p.requestedNotional,
      qty: p.qty,
      entry_price: p.entryPrice,
      entry_fee: p.entryFee,
      opened_at: p.openedAt,
      last_price: p.lastPrice,
      exit_kind: p.exitKind,
      exit_reason: p.exitReason,
      exit_price: p.exitPrice,
      exit_fee: p.exitFee,
      closed_at: p.closedAt,
      pnl: p.pnl,
      created_at: p.createdAt,
      side: p.side ?? "long",
      venue: p.venue ?? "spot",
      leverage: p.leverage ?? 1,
      funding: p.funding ?? 0,
      liquidation_price: positionLiquidationPrice(p),
    });
  }

  // ---- timers -------------------------------------------------------------------------------

  /**
   * The safety alarm covers silence: when no price came for a whole interval, the safety rules run
   * on the last price (time stops still fire) and an order still waiting is filled at the
   * exchange's current price, fetched by REST (with a timeout). The position is read again after
   * the fetch: a price or an exit that landed meanwhile is kept, and a fill is never made twice.
   */
  /** Layer 1 without prices: a position whose ticker went quiet is priced by REST (or its last price) on a timer. */
  private async safetyCheck(): Promise<void> {
    if (!this.pos || isFinished(this.pos)) return;
    const interval = this.config.exits.safetyIntervalMs;
    const silent = () => this.lastPriceWall === null || this.clock.wall() - this.lastPriceWall >= interval;
    if (silent()) {
      let fetched: number | null = null;
      const before = this.pos;
      if (this.positionBroker().awaitsPrice(before) || before.lastPrice === null) {
        try {
          fetched = await new BinanceRest((this.restUrl ?? this.env.EXCHANGE_REST_URL ?? "").replace(/\/$/, ""), undefined, this.config.exchange.restTimeoutMs).price(exchangeSymbol(before.symbol));
        } catch (err) {
          this.log.warn("position.price_unavailable", { position: before.id, error: errorMessage(err) });
        }
      }
      const pos = this.pos;
      const price = fetched ?? pos.lastPrice;
      if (!isFinished(pos) && silent() && price !== null) {
        await this.publish(this.transition(this.withPrice(pos, price, Math.max(this.clock.now(), pos.lastPriceAt ?? 0))));
      }
    }
    if (!isFinished(this.pos)) this.timers.schedule("safety", this.clock.wall() + interval);
  }

  /**
   * The exchange broker at work: sends intents (marked sent in storage before the request leaves),
   * resolves unknown outcomes by querying the client order id (never by sending again), polls working
   * orders for fills and sends cancels. The position is read again after every call.
   */
  private async runOrders(force = false): Promise<void> {
    if (this.brokerKind !== "exchange" || !this.pos) return;
    const broker = this.broker();
    const assets = assetsOf(this.pos.symbol);
    const poll = force ? { workingMs: 0, stopMs: 0 } : { workingMs: this.config.execution.pollMs, stopMs: this.config.execution.stopPollMs };
    let refused = false;
    for (let round = 0; round < 6 && !refused; round++) {
      const commands = orderCommands(this.pos!, this.clock.wall(), poll, this.placing);
      if (commands.length === 0) break;
      if (force && round > 0) poll.workingMs = poll.stopMs = Number.POSITIVE_INFINITY;
      for (const cmd of commands) {
        const cid = cmd.order.clientOrderId;
        const current = this.pos!.orders.find((o) => o.clientOrderId === cid);
        if (!current || current.status !== cmd.order.status || current.cancelRequested !== cmd.order.cancelRequested) continue;
        let report;
        if (cmd.kind === "place") {
          const sentEvents = this.transition(markSent(this.pos!, cid, this.clock.wall()));
          this.log.info("position.order_sent", { position: this.pos!.id, clientOrderId: cid, purpose: current.purpose, type: current.type ?? "market" });
          this.placing.add(cid);
          try {
            report = await broker.place(current);
          } finally {
            this.placing.delete(cid);
          }
          await this.publish(sentEvents);
        } else if (cmd.kind === "cancel") report = await broker.cancel(current);
        else report = await broker.query(current);
        if (report.kind === "rejected" || report.kind === "unknown" || report.kind === "not_sent")
          this.log.warn("position.order_report", { position: this.pos!.id, clientOrderId: cid, command: cmd.kind, report: report.kind, reason: report.reason });
        // A report that closes a perpetual on the exchange: the venue's settlements before it are taken first (it paid or
        // received them while open; the close books the funding it held), whether the ticker has heard of them yet or not.
        if (this.venueFutures() && this.pos!.status !== "closed") {
          if (applyBrokerReport(this.pos!, cid, report, this.clock.wall(), assets, this.config.execution).status === "closed") await this.checkVenue(true, false);
        }
        const answered = cmd.kind === "place" ? markAnswered(this.pos!, cid, this.clock.wall()) : this.pos!;
        await this.publish(this.transition(applyBrokerReport(answered, cid, report, this.clock.wall(), assets, this.config.execution)));
        // Refused before it left (rate limit, markets unavailable): asking again at once would be refused too.
        if (report.kind === "not_sent") {
          refused = true;
          break;
        }
      }
    }
    if (this.pos && needsBroker(this.pos)) this.timers.schedule("orders", this.clock.wall() + this.config.execution.pollMs);
  }

  /** A USD-M position on the exchange broker: the venue, not the ticker, says what its funding was and whether it still stands. */
  private venueFutures(): boolean {
    return this.brokerKind === "exchange" && this.pos?.venue === "futures";
  }

  /**
   * Asks the venue what it did to this perpetual beyond our orders: the funding it settled (when a settlement is due, or
   * `force`d by reconciliation or a closing report) and a close by its own orders (a liquidation), applied to the position
   * read again after the answer. A settlement the venue has not booked yet is asked for again later; after the close, the
   * venue is asked again (VENUE_LATE_CHECKS_MS) for a settlement before it that it booked late.
   */
  private async checkVenue(force: boolean, lookForClose = true): Promise<void> {
    const pos = this.pos;
    if (!pos || !this.venueFutures() || pos.openedAt === null) return;
    const closed = pos.status === "closed";
    if (!closed && pos.status !== "open" && pos.status !== "exiting") return;
    if (!closed && !force && !venueFundingDue(pos, this.fundingPoints, this.clock.now())) return;
    const own = pos.orders.flatMap((o) => (o.exchangeOrderId ? [o.exchangeOrderId] : []));
    const activity = await this.broker().venueActivity?.(pos.symbol, pos.openedAt, own, lookForClose && !closed);
    if (activity?.kind === "activity") {
      // Read again after the answer: our own order may have closed it meanwhile (then the venue did not).
      const current = this.pos!;
      let next = applyVenueFunding(current, activity.funding, this.fundingPoints, this.clock.now());
      if (activity.close) next = closeByVenue(next, activity.close);
      // The venue closed it without an order of ours: the operator hears of it.
      if (next.status === "closed" && activity.close && current.status !== "closed")
        this.alert("venue_close", { position: pos.id, symbol: pos.symbol, kind: activity.close.kind, pnl: next.pnl, reason: next.exitReason });
      await this.publish(this.transition(next));
    } else this.log.warn("position.venue_unavailable", { position: pos.id, reason: activity?.reason ?? "the broker holds no perpetuals" });
    if (closed) {
      // Only the venue timer's own checks count (a reconciliation's repair asks in between, off the schedule).
      if (force) return;
      const n = (this.kv.get<number>("lateFundingChecks") ?? 0) + 1;
      this.kv.put("lateFundingChecks", n);
      const at = VENUE_LATE_CHECKS_MS[n];
      if (at !== undefined) this.timers.schedule("venue", this.clock.wall() + at - VENUE_LATE_CHECKS_MS[n - 1]!);
    } else if (this.pos && venueFundingDue(this.pos, this.fundingPoints, this.clock.now())) this.timers.schedule("venue", this.clock.wall() + VENUE_FUNDING_POLL_MS);
    await this.flush();
  }

  private broker(): Broker {
    this.exchange ??= brokerFromEnv(
      this.env,
      this.restUrl ?? "",
      this.config.exchange.restTimeoutMs,
      (reason, detail) => this.alert(`exchange_${reason}`, { position: this.pos?.id ?? null, detail }),
      this.config.execution.recvWindowMs,
      this.pos?.venue === "futures" ? "usdm" : "spot",
    );
    return this.exchange;
  }

  /** Layer 2: the 5-signal evaluator (through the gate, which reads the market) says HOLD, EXIT or ADD; at risk, the gate wakes the decider. */
  private async review(): Promise<void> {
    const pos = this.pos;
    if (!pos || pos.status !== "open" || pos.openedAt === null) return;
    const now = this.clock.now();
    const request = {
      positionId: pos.id,
      portfolio: pos.portfolio,
      venue: this.venue ?? "binance",
      symbol: pos.symbol,
      ...(pos.side === "short" ? { side: "short" as const } : {}),
      entryPrice: pos.entryPrice,
      peakPrice: pos.peakPrice,
      lastPrice: pos.lastPrice ?? pos.entryPrice,
      openedAt: pos.openedAt,
      at: now,
      seq: pos.reviews + 1,
      entryContext: pos.entryContext,
    };
    let outcome;
    try {
      outcome = await this.env.GATE.getByName(actorName.gate(pos.portfolio)).reviewPosition(request);
    } catch (err) {
      // A review that cannot run now is tried again at the next interval; the safety layer still runs.
      this.log.warn("position.review_failed", { position: pos.id, error: errorMessage(err) });
      // Re-read: a fill, a price or an exit may have landed while the gate was asked.
      await this.publish(this.transition(markReviewed(this.pos!, now)));
      return;
    }
    const next = applyReview(this.pos!, outcome, now);
    if (outcome.action === "ADD") this.log.info("position.add_not_executed", { position: pos.id, reason: "scaling into a position is not supported yet", review: outcome.reason });
    await this.publish(this.transition(next));
  }
}

/** The stored position, if it has the shape of one; anything else is quarantined by the constructor. */
function checkedPosition(stored: unknown): PositionState | null {
  const p = stored as PositionState | null;
  if (p === null) return null;
  if (typeof p !== "object" || typeof p.id !== "string" || typeof p.status !== "string" || !Array.isArray(p.orders)) throw new Error("stored position is not a position");
  return p;
}
