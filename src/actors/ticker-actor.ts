import { errorMessage } from "../adapters/log";
import type { Candle } from "../lib/market/candle";
import type { Timeframe } from "../lib/market/timeframe";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { TickerSetup } from "./messages";
import { Backfill } from "./ticker/backfill";
import { CandleStore } from "./ticker/candle-store";
import { DerivativesPoll, type FundingPoint } from "./ticker/derivatives-poll";
import { FanOut } from "./ticker/fan-out";
import { HealthRecord } from "./ticker/feed-health";
import { FeedLink } from "./ticker/feed-link";
import { readFrame } from "./ticker/frame-intake";
import { MarketState, type PriceQuote } from "./ticker/market-state";
import { RestFailures } from "./ticker/rest-failures";
import { RestHistory } from "./ticker/rest-history";
import { SerialQueue } from "./ticker/serial-queue";
import { Subscribers } from "./ticker/subscribers";
import { Watchers } from "./ticker/watchers";

/** The ticker's timers: the socket's heartbeat, the reconnect after a backoff, the funding poll. */
type TickerTimers = { heartbeat: null; reconnect: null; derivatives: null };

/**
 * One market on one venue: holds the outbound kline WebSocket, builds 1m → 15m/1h/4h/1d candles in
 * SQLite (and copies each closed candle to D1 for backtests), scores every tick, pushes ticks and
 * candle closes to the gate of every portfolio on it (`subscribers`) and prices to open positions. A heartbeat alarm reconnects a dropped or
 * silent socket and backfills missed minutes by REST, so no candle close is lost. Each concern is a helper of
 * `./ticker/`; the actor loads state, calls them and the core, and sends.
 */
export class TickerActor extends Actor<TickerTimers> {
  protected readonly timerHandlers: TimerHandlers<TickerTimers> = {
    heartbeat: async () => {
      if (!this.setup) return;
      this.link.heartbeat();
      this.timers.schedule("heartbeat", this.clock.wall() + this.config.ticker.heartbeatMs);
    },
    reconnect: async () => {
      if (this.setup && !this.link.connected) this.link.open();
    },
    derivatives: async () => {
      if (!this.setup) return;
      // The USD-M perpetual's funding settlements (and with derivativesData "all" the rest); a failed poll keeps the last known values.
      await this.derivatives.poll(this.setup, this.config.exchange.restTimeoutMs, this.config.ticker.derivativesData === "all" ? this.clock.now() : null);
      // Re-read after the poll: a feed stopped meanwhile polls no more.
      if (this.setup) this.timers.schedule("derivatives", this.clock.wall() + this.config.ticker.derivativesPollMs);
    },
  };

  private setup: TickerSetup | null = this.kv.get<TickerSetup>("setup") ?? null;
  /** The portfolios this market feeds; state stored before there was a list has the one portfolio of `setup`. */
  private readonly subscribers = new Subscribers(this.kv, this.quarantine, () => (typeof this.setup?.portfolio === "string" ? [this.setup.portfolio] : []));
  private readonly watchers = new Watchers(this.kv);
  private readonly health = new HealthRecord(this.kv);
  private readonly store = new CandleStore(this.sql, this.config.ticker.historyLimit, (row) => this.record("candles", row));
  private readonly market = new MarketState(this.kv, this.quarantine, this.config, this.store, (symbol, closed, moves) => this.fanOut.mail(symbol, closed, moves, this.clock.wall()));
  /** REST answers not used: counted, and alerted at once when an operator must act. */
  private readonly failures = new RestFailures(
    this.health,
    () => this.setup,
    (reason, detail) => {
      this.alert(reason, detail);
      this.ctx.waitUntil(this.flush());
    },
  );
  private readonly derivatives = new DerivativesPoll(this.kv, this.log, this.failures, (table, row) => this.record(table, row));
  private readonly fanOut = new FanOut(
    { env: this.env, log: this.log, mailbox: this.mailbox, emit: (p, type, data) => this.emit(p, type, data), emitLive: (p, type, data, ts) => this.emitLive(p, type, data, ts) },
    this.subscribers,
    this.watchers,
    this.derivatives,
  );
  /** Frames (and the catch-up after a reconnect) are handled strictly one after another, in arrival order, even across awaits. */
  private readonly queue = new SerialQueue((err) => {
    this.health.failed(errorMessage(err));
    this.log.error("feed.handler_failed", { symbol: this.setup?.symbol, error: errorMessage(err) });
  });
  /** The REST reads of the current setup; the exchange's time they see moves the engine clock. */
  private readonly rest = new RestHistory(() => this.setup, this.config.exchange.restTimeoutMs, this.clock, this.failures);
  private readonly catchUp = new Backfill(this.market, this.rest, this.health, this.log, {
    setup: () => this.setup,
    publish: (event) => this.publishFeed(event),
    deliverMail: () => this.deliverMail(),
    pushLatest: () => this.pushLatest(),
  });
  private readonly link = new FeedLink(this.health, this.config.ticker, this.log, {
    setup: () => this.setup,
    wall: () => this.clock.wall(),
    scheduleReconnect: (at) => this.timers.schedule("reconnect", at),
    reconnectPending: () => this.timers.get("reconnect") !== null,
    arm: () => this.ctx.waitUntil(this.arm()),
    opened: () => {
      this.queue.push(() => this.backfill("reconnect"));
      this.queue.push(() => this.publishFeed("connected"));
    },
    frame: (raw) => this.queue.push(() => this.handleFrame(raw)),
    lost: () => this.queue.push(() => this.publishFeed("disconnected")),
  });

  protected override migrations(): Migration[] {
    return [CandleStore.migration];
  }

  protected override alertPortfolio(): string | null {
    return this.subscribers.first ?? this.setup?.portfolio ?? null;
  }

  /** A frame in hand delivers its minute's mail itself, after the positions took its price: the alarm does not go first. */
  protected override holdingMail(): boolean {
    return this.queue.pending > 0;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Starts (or resumes) the feed: REST bootstrap of history, then the WebSocket. Idempotent. */
  async start(setup: TickerSetup): Promise<ReturnType<TickerActor["status"]>> {
    const fresh = this.setup === null || this.setup.symbol !== setup.symbol;
    this.setup = setup;
    this.kv.put("setup", setup);
    // Another portfolio on a market already fed joins it: the feed, its candles and its features are shared.
    this.subscribers.join(setup.portfolio);
    if (fresh || this.market.lastMinute === null) await this.bootstrap();
    if (!this.link.connected) this.link.open();
    this.timers.schedule("heartbeat", this.clock.wall() + this.config.ticker.heartbeatMs);
    this.timers.schedule("derivatives", this.clock.wall());
    await this.arm();
    return this.status();
  }

  /**
   * `portfolio`: that portfolio leaves the feed, which goes on while another portfolio is on it. Without one (or when
   * the last leaves) the feed stops.
   */
  async stop(portfolio?: string): Promise<{ feedStopped: boolean; subscribers: string[] }> {
    if (portfolio !== undefined && this.subscribers.portfolios.some((p) => p !== portfolio)) {
      this.subscribers.leave(portfolio);
      return { feedStopped: false, subscribers: this.subscribers.portfolios };
    }
    this.subscribers.clear();
    for (const timer of ["heartbeat", "reconnect", "derivatives"] as const) this.timers.cancel(timer);
    this.link.stop();
    this.kv.delete("setup");
    this.setup = null;
    await this.arm();
    return { feedStopped: true, subscribers: [] };
  }

  status() {
    return {
      symbol: this.setup?.symbol ?? null,
      feed: this.health.report(this.clock.wall()),
      framesPending: this.queue.pending, // frames and catch-ups received, not yet handled to the end (fan-out included)
      lastMinute: this.market.lastMinute,
      last: this.market.last,
      features: this.market.latest,
      watchers: this.watchers.names.length,
      subscribers: this.subscribers.portfolios,
      candles: this.store.counts(),
    };
  }

  /** Closed candles of `tf`, oldest first, at most `limit`. */
  candles(tf: Timeframe, limit?: number): Candle[] {
    return this.store.last(tf, limit);
  }

  /** Everything a snapshot needs from this market in one call: candles of each timeframe and the quote. */
  marketData(limits: Partial<Record<Timeframe, number>>): { candles: Partial<Record<Timeframe, Candle[]>>; quote: ReturnType<TickerActor["quote"]> } {
    return { candles: this.store.lastOf(limits), quote: this.quote() };
  }

  /** The end of the last closed minute (null before the first): the gate waits for a market behind the others. */
  closedThrough(): number | null {
    return this.market.closedThrough;
  }

  /** The latest price, the features of the latest tick, the recent funding settlements (and the rest of the derivatives, when polled). */
  quote(): PriceQuote & ReturnType<DerivativesPoll["quote"]> {
    return { ...this.market.quote(), ...this.derivatives.quote() };
  }

  watch(positionName: string): void {
    this.watchers.add(positionName);
  }

  unwatch(positionName: string): void {
    this.watchers.remove(positionName);
  }

  // ---- REST ---------------------------------------------------------------------------------

  /** Loads closed history of every timeframe, then (one synchronous step) keeps it and seeds the aggregator, features and materiality mid-bucket. */
  private async bootstrap(): Promise<void> {
    const h = await this.rest.start(this.config.ticker.historyLimit, this.config.features.window);
    // Re-read after the fetch: a stop meanwhile leaves nothing to seed.
    const symbol = this.setup?.symbol;
    if (symbol === undefined) return;
    this.market.reseed(symbol, h);
    this.log.info("feed.bootstrapped", { symbol, minutes: h.minutes.length, serverTime: h.serverTime });
  }

  /** Catches up by REST on every closed minute missed, up to `before` (a live frame's open time) or the present. */
  private backfill(reason: "gap" | "reconnect", before?: number): Promise<void> {
    return this.catchUp.run(reason, before);
  }

  // ---- frames -------------------------------------------------------------------------------

  private async handleFrame(raw: string): Promise<void> {
    const setup = this.setup;
    if (!setup) return;
    const frame = readFrame(raw, setup.symbol, this.market.lastMinute, { wallNow: this.clock.wall(), ...this.config.exchange }, this.health, this.log);
    if (!frame) return;
    const { kline: k, step } = frame;
    this.clock.observe(k.eventTime);
    if (step.kind === "duplicate") return this.health.duplicate();
    if (step.kind === "tick") return this.fanOut.tick(setup.symbol, this.market.tick(k.candle.c, k.candle.v, k.eventTime));
    if (step.gapFrom !== null) {
      this.health.gap();
      await this.backfill("gap", k.candle.t);
    }
    // Re-read after the backfill's awaits: a feed stopped meanwhile takes no minute.
    if (!this.setup) return;
    const closed = this.market.closeMinute(this.setup.symbol, k.candle, k.eventTime);
    this.health.save();
    await this.pushLatest();
    this.fanOut.bar(setup.symbol, k.candle, closed);
  }

  /** Candle closes and material moves go by mail: a gate that does not answer gets them again, none is lost (D1's candles leave from the alarm). */
  private async deliverMail(): Promise<void> {
    const r = await this.mailbox.deliver(this.clock.wall());
    if (r.failed > 0) this.log.warn("mailbox.retrying", { failed: r.failed, delivered: r.delivered, error: r.lastError });
    await this.arm();
  }

  /** The latest price to the watching positions, then due mail to the gates (a closed minute's closes, moves), then the tick: one order for every price. */
  private async pushLatest(): Promise<void> {
    const f = this.market.latest;
    if (!this.setup || !f) return;
    await this.fanOut.prices(f);
    if (this.mailbox.pending() > 0) await this.deliverMail();
    if (this.setup) await this.fanOut.ticks(this.setup.symbol, f);
  }

  private async publishFeed(event: string): Promise<void> {
    if (this.setup) await this.fanOut.feedStatus(this.setup.symbol, event, this.health.value);
  }
}
