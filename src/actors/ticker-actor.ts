import { errorMessage } from "../adapters/log";
import { parseKlineFrame } from "../adapters/exchange/binance-frames";
import { BinanceRest, ExchangeRestError } from "../adapters/exchange/binance-rest";
import { connectDelay, governorFor, venueOfRestUrl } from "../adapters/exchange/rate-governor";
import { FUNDING_SETTLEMENTS_SEEN } from "../lib/decide/funding-window";
import type { Candle } from "../lib/market/candle";
import { applyMinute, emptyAggregatorState, seedFromHistory, AGGREGATE_TIMEFRAMES, type AggregatorState } from "../lib/market/candle-aggregator";
import { TickFeatureTracker, type TickFeatureState, type TickFeatures } from "../lib/market/tick-features";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "../lib/market/timeframe";
import { jitteredBackoffMs } from "../lib/util/backoff";
import { checkedMateriality, initialMateriality, materialStep, type MaterialMove, type MaterialityState } from "../lib/gate/materiality";
import { sequenceMinute } from "../lib/market/minute-sequence";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { MailPayload } from "./kernel/mailbox";
import { CandleStore } from "./ticker/candle-store";
import { NEW_HEALTH, subscriberList, type FeedHealth } from "./ticker/feed-health";
import { FeedSocket } from "./ticker/feed-socket";
import type { Migration } from "./kernel/sqlite-schema";
import type { CandleClosed, MarketTick, PriceUpdate, TickerSetup } from "./messages";
import { actorName, exchangeSymbol } from "./names";

const MINUTE = 60_000;

/**
 * One market on one venue: holds the outbound kline WebSocket, builds 1m → 15m/1h/4h/1d candles in
 * SQLite (and copies each closed candle to D1 for backtests), scores every tick, pushes ticks and
 * candle closes to the gate of every portfolio on it (`subscribers`) and prices to open positions. A heartbeat alarm reconnects a dropped or
 * silent socket and backfills missed minutes by REST, so no candle close is lost.
 */
/** The ticker's timers: the socket's heartbeat, the reconnect after a backoff, the funding poll. */
type TickerTimers = { heartbeat: null; reconnect: null; derivatives: null };

export class TickerActor extends Actor<TickerTimers> {
  protected readonly timerHandlers: TimerHandlers<TickerTimers> = {
    heartbeat: async () => {
      if (!this.setup) return;
      this.checkHeartbeat();
      this.kv.put("health", this.health);
      this.timers.schedule("heartbeat", this.clock.wall() + this.config.ticker.heartbeatMs);
    },
    reconnect: async () => {
      if (this.setup && !this.socket.connected) this.openFeed();
    },
    derivatives: async () => {
      if (!this.setup) return;
      await this.pollDerivatives();
      this.timers.schedule("derivatives", this.clock.wall() + this.config.ticker.derivativesPollMs);
    },
  };

  private setup: TickerSetup | null = this.kv.get<TickerSetup>("setup") ?? null;
  /**
   * The portfolios this market feeds, in the order they started (kv `subscribers`): each one's gate gets the ticks,
   * closes and material moves, its stream the feed's events. State stored before there was a list has the one
   * portfolio of `setup`.
   */
  private subscribers: string[] = this.quarantine.restore("subscribers", subscriberList, () => (typeof this.setup?.portfolio === "string" ? [this.setup.portfolio] : []));
  private gateNames: string[] = this.subscribers.map((p) => actorName.gate(p));
  private health: FeedHealth = this.kv.get<FeedHealth>("health") ?? { ...NEW_HEALTH };
  private agg: AggregatorState = this.quarantine.restore(
    "agg",
    (v) => v as AggregatorState,
    () => emptyAggregatorState(AGGREGATE_TIMEFRAMES),
  );
  private features: TickFeatureTracker = this.quarantine.restore(
    "features",
    (v) => TickFeatureTracker.fromJSON(v as TickFeatureState),
    () => this.newFeatures(),
  );
  private lastMinute: number | null = this.kv.get<number>("lastMinute") ?? null;
  private last: PriceUpdate | null = this.kv.get<PriceUpdate>("last") ?? null;
  private watchers: string[] = this.kv.get<string[]>("watchers") ?? [];
  private funding: { at: number; value: number }[] = this.kv.get<{ at: number; value: number }[]>("funding") ?? [];
  private material: MaterialityState = this.quarantine.restore("material", (v) => checkedMateriality(v), initialMateriality);
  private lastFeatures: TickFeatures | null = null;
  private readonly store = new CandleStore(this.sql, this.config.ticker.historyLimit);
  private readonly socket = new FeedSocket({
    open: () => {
      this.health.lastMessageWall = this.clock.wall();
      this.setHealth({ status: "live", connectedAt: this.clock.wall(), reconnectAttempt: 0, lastError: null });
      this.log.info("feed.open", { symbol: this.setup?.symbol });
      this.enqueue(() => this.backfill("reconnect"));
      this.enqueue(() => this.publishFeed("connected"));
    },
    frame: (raw) => {
      this.health.lastMessageWall = this.clock.wall();
      this.enqueue(() => this.handleFrame(raw));
    },
    lost: (why) => this.onSocketLost(why),
  });
  private queue: Promise<void> = Promise.resolve();

  protected override migrations(): Migration[] {
    return [CandleStore.migration];
  }

  private newFeatures(): TickFeatureTracker {
    return new TickFeatureTracker(this.config.features.window, this.config.features.minSamples);
  }

  protected override alertPortfolio(): string | null {
    return this.subscribers[0] ?? this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Starts (or resumes) the feed: REST bootstrap of history, then the WebSocket. Idempotent. */
  async start(setup: TickerSetup): Promise<ReturnType<TickerActor["status"]>> {
    const fresh = this.setup === null || this.setup.symbol !== setup.symbol;
    this.setup = setup;
    this.kv.put("setup", setup);
    // Another portfolio on a market already fed joins it: the feed, its candles and its features are shared.
    if (!this.subscribers.includes(setup.portfolio)) this.setSubscribers([...this.subscribers, setup.portfolio]);
    if (fresh || this.lastMinute === null) await this.noting(this.bootstrap());
    if (!this.socket.connected) this.openFeed();
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
    if (portfolio !== undefined && this.subscribers.some((p) => p !== portfolio)) {
      if (this.subscribers.includes(portfolio)) this.setSubscribers(this.subscribers.filter((p) => p !== portfolio));
      return { feedStopped: false, subscribers: this.subscribers };
    }
    this.setSubscribers([]);
    this.timers.cancel("heartbeat");
    this.timers.cancel("reconnect");
    this.timers.cancel("derivatives");
    this.setHealth({ status: "stopped" });
    this.socket.close(1000, "stopped");
    this.kv.delete("setup");
    this.setup = null;
    await this.arm();
    return { feedStopped: true, subscribers: [] };
  }

  private setSubscribers(list: string[]): void {
    this.subscribers = list;
    this.gateNames = list.map((p) => actorName.gate(p));
    this.kv.put("subscribers", list);
  }

  /** Mail to every subscriber's gate, one message each (mail to one receiver stays in posting order). */
  private mailGates<M extends "onCandleClose" | "onMaterialMove">(key: string, method: M, payload: MailPayload<"GATE", M>, wall: number): void {
    for (let i = 0; i < this.gateNames.length; i++) this.mailbox.post(`${key}:${this.subscribers[i]}`, "GATE", this.gateNames[i]!, method, payload, wall);
  }

  status() {
    return {
      symbol: this.setup?.symbol ?? null,
      feed: { ...this.health, lastMessageAgoMs: this.health.lastMessageWall === null ? null : this.clock.wall() - this.health.lastMessageWall },
      lastMinute: this.lastMinute,
      last: this.last,
      features: this.lastFeatures,
      watchers: this.watchers.length,
      subscribers: this.subscribers,
      candles: this.store.counts(),
    };
  }

  /** Closed candles of `tf`, oldest first, at most `limit`. */
  candles(tf: Timeframe, limit = 300): Candle[] {
    return this.store.last(tf, limit);
  }

  /** Everything a snapshot needs from this market in one call: candles of each timeframe and the quote. */
  marketData(limits: Partial<Record<Timeframe, number>>): { candles: Partial<Record<Timeframe, Candle[]>>; quote: ReturnType<TickerActor["quote"]> } {
    const candles: Partial<Record<Timeframe, Candle[]>> = {};
    for (const [tf, limit] of Object.entries(limits) as [Timeframe, number][]) candles[tf] = this.candles(tf, limit);
    return { candles, quote: this.quote() };
  }

  /** The end of the last closed minute (null before the first): the gate waits for a market behind the others. */
  closedThrough(): number | null {
    return this.lastMinute === null ? null : this.lastMinute + MINUTE;
  }

  /** The latest price, the features of the latest tick and the recent funding settlements. */
  quote(): { price: number | null; at: number | null; zRet: number; zVol: number; funding: { at: number; value: number }[] } {
    return { price: this.last?.price ?? null, at: this.last?.at ?? null, zRet: this.lastFeatures?.zRet ?? 0, zVol: this.lastFeatures?.zVol ?? 0, funding: this.funding };
  }

  watch(positionName: string): void {
    if (!this.watchers.includes(positionName)) {
      this.watchers = [...this.watchers, positionName];
      this.kv.put("watchers", this.watchers);
    }
  }

  unwatch(positionName: string): void {
    if (this.watchers.includes(positionName)) {
      this.watchers = this.watchers.filter((w) => w !== positionName);
      this.kv.put("watchers", this.watchers);
    }
  }

  // ---- timers -------------------------------------------------------------------------------

  /** Funding settlements of the USD-M perpetual; a failed poll keeps the last known (stamped) values. */
  private async pollDerivatives(): Promise<void> {
    const setup = this.setup!;
    try {
      const rest = new BinanceRest((setup.futuresRestUrl ?? setup.restUrl).replace(/\/$/, ""), undefined, this.config.exchange.restTimeoutMs);
      const points = await rest.fundingRates(exchangeSymbol(setup.symbol), FUNDING_SETTLEMENTS_SEEN);
      if (points.length > 0) {
        const newest = this.funding.at(-1)?.at ?? -Infinity;
        // Settlements not seen before go to D1 for backtests (funding_rates), in the same write as the state.
        for (const p of points) if (p.at > newest) this.record("funding_rates", { symbol: setup.symbol, t: p.at, rate: p.value });
        this.funding = points;
        this.kv.put("funding", points);
      }
    } catch (err) {
      this.noteRestFailure(err);
      this.log.warn("derivatives.poll_failed", { symbol: setup.symbol, error: errorMessage(err) });
    }
  }

  private checkHeartbeat(): void {
    const silentFor = this.health.lastMessageWall === null ? null : this.clock.wall() - this.health.lastMessageWall;
    if (this.socket.connected && silentFor !== null && silentFor > this.config.ticker.silenceMs) {
      this.log.warn("feed.silent", { symbol: this.setup?.symbol, silentForMs: silentFor });
      this.socket.drop(`no message for ${Math.round(silentFor / 1000)} s`, 4000, "silent");
      return;
    }
    if (!this.socket.connected && !this.timers.get("reconnect")) this.scheduleReconnect();
  }

  // ---- socket -------------------------------------------------------------------------------

  private openFeed(): void {
    const setup = this.setup;
    if (!setup) return;
    // Reconnect storms are spread: at most one new connection a second per venue (this isolate's share).
    const wait = connectDelay(setup.restUrl);
    if (wait !== null) {
      this.timers.schedule("reconnect", this.clock.wall() + wait);
      this.ctx.waitUntil(this.arm());
      return;
    }
    this.setHealth({ status: this.health.disconnects > 0 ? "reconnecting" : "connecting" });
    this.socket.open(`${setup.feedWsUrl.replace(/\/$/, "")}/stream?streams=${exchangeSymbol(setup.symbol).toLowerCase()}@kline_1m`);
  }

  private onSocketLost(why: string): void {
    this.setHealth({ status: "reconnecting", disconnects: this.health.disconnects + 1, lastError: why });
    this.log.warn("feed.lost", { symbol: this.setup?.symbol, why });
    this.scheduleReconnect();
    this.enqueue(() => this.publishFeed("disconnected"));
    this.ctx.waitUntil(this.arm());
  }

  private scheduleReconnect(): void {
    const attempt = this.health.reconnectAttempt;
    const delay = jitteredBackoffMs(attempt, this.config.ticker.backoffBaseMs, this.config.ticker.backoffMaxMs, Math.random());
    this.health.reconnectAttempt = attempt + 1;
    this.kv.put("health", this.health);
    this.timers.schedule("reconnect", this.clock.wall() + delay);
  }

  /** Frames are handled strictly one after another, in arrival order, even across awaits. */
  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err) => {
      this.noteRestFailure(err);
      this.health.lastError = errorMessage(err);
      this.log.error("feed.handler_failed", { symbol: this.setup?.symbol, error: errorMessage(err) });
    });
  }

  /** Runs `work`, noting a REST failure it throws (counted, alerted when an operator must act) before rethrowing. */
  private async noting<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      this.noteRestFailure(err);
      throw err;
    }
  }

  /** Counts a REST answer not used by its reason; a ban (418) or a legal stop (451) raises an alert, once per episode for the venue. */
  private noteRestFailure(err: unknown): void {
    if (!(err instanceof ExchangeRestError)) return;
    const rejected = { ...(this.health.restRejected ?? {}) };
    rejected[err.reason] = (rejected[err.reason] ?? 0) + 1;
    this.setHealth({ restRejected: rejected });
    const claimed = err.alert && this.setup ? governorFor(venueOfRestUrl(this.setup.restUrl)).claimAlert(Date.now()) : null;
    if (!claimed) return;
    this.alert(`exchange_${claimed.reason}`, { symbol: this.setup?.symbol ?? null, detail: claimed.detail, error: err.message });
    this.ctx.waitUntil(this.flush());
  }

  private setHealth(patch: Partial<FeedHealth>): void {
    this.health = { ...this.health, ...patch };
    this.kv.put("health", this.health);
  }

  private async publishFeed(event: string): Promise<void> {
    if (!this.setup) return;
    const data = { symbol: this.setup.symbol, event, status: this.health.status, disconnects: this.health.disconnects, lastError: this.health.lastError };
    for (const portfolio of this.subscribers) await this.emit(portfolio, "feed.status", data);
  }

  // ---- frames -------------------------------------------------------------------------------

  private async handleFrame(raw: string): Promise<void> {
    const setup = this.setup;
    if (!setup) return;
    const parsed = parseKlineFrame(raw, exchangeSymbol(setup.symbol), "1m", { wallNow: this.clock.wall(), ...this.config.exchange });
    if (parsed.kind === "control") return;
    if (parsed.kind === "dropped") {
      const n = (this.health.dropped[parsed.reason] ?? 0) + 1;
      this.health.dropped = { ...this.health.dropped, [parsed.reason]: n };
      this.kv.put("health", this.health);
      if (n === 1 || n % 100 === 0) this.log.warn("feed.frame_dropped", { symbol: setup.symbol, reason: parsed.reason, detail: parsed.detail, count: n });
      return;
    }
    const k = parsed.kline;
    this.health.framesOk++;
    this.health.lastEventAt = k.eventTime;
    this.clock.observe(k.eventTime);
    const step = sequenceMinute(this.lastMinute, k);
    if (step.kind === "duplicate") {
      this.health.duplicates++;
      return;
    }
    if (step.kind === "tick") return this.pushTick(this.features.tick(k.candle.c, k.candle.v, k.eventTime));
    if (step.gapFrom !== null) {
      this.health.gapsBackfilled++;
      await this.backfill("gap", k.candle.t);
    }
    const closed = this.applyClosedMinute(k.candle, k.eventTime);
    this.kv.put("health", this.health);
    if (closed.length > 0) await this.deliverMail();
    await this.pushTick(this.lastFeatures!);
    const bar = { symbol: setup.symbol, tf: "1m", candle: k.candle, closed: closed.map((b) => ({ tf: b.tf, candle: b.candle })) };
    for (const portfolio of this.subscribers) this.emitLive(portfolio, "bar", bar, k.candle.t + MINUTE);
  }

  /**
   * Stores a closed minute, aggregates it and updates features, and posts the higher-timeframe closes
   * it produces to the gate's mailbox in the same synchronous step (a crash after it loses none of
   * them: the minute is marked as applied only together with its mail). Returns the closes it posted.
   */
  private applyClosedMinute(candle: Candle, at: number): { tf: Timeframe; candle: Candle }[] {
    const setup = this.setup!;
    const symbol = setup.symbol;
    this.insertCandle("1m", candle);
    const r = applyMinute(this.agg, candle);
    this.agg = r.state;
    const wall = this.clock.wall();
    for (const b of r.closed) {
      this.insertCandle(b.tf, b.candle);
      const c: CandleClosed = { symbol, tf: b.tf, candle: b.candle, at: b.candle.t + TIMEFRAME_MS[b.tf] };
      this.mailGates(`close:${c.symbol}:${c.tf}:${c.candle.t}`, "onCandleClose", c, wall);
    }
    this.lastFeatures = this.features.closeMinute(candle, at);
    for (const move of this.observeMaterial(candle, r.closed)) {
      this.mailGates(`material:${symbol}:${move.kind}:${move.at}`, "onMaterialMove", move, wall);
    }
    this.lastMinute = candle.t;
    this.last = { price: candle.c, at };
    this.kv.put("agg", this.agg);
    this.kv.put("features", this.features.toJSON());
    this.kv.put("lastMinute", candle.t);
    this.kv.put("last", this.last);
    this.store.minuteClosed();
    return r.closed;
  }

  /**
   * Candle closes go through the mailbox: if the gate is unreachable they are retried, not lost. Only
   * the mail goes out here; the candles bound for D1 leave from the alarm, off the frame path.
   */
  private async deliverMail(): Promise<void> {
    const now = this.clock.wall();
    const r = await this.mailbox.deliver(now);
    if (r.failed > 0) this.log.warn("mailbox.retrying", { failed: r.failed, delivered: r.delivered, error: r.lastError });
    await this.arm();
  }

  private async pushTick(f: TickFeatures): Promise<void> {
    const setup = this.setup!;
    this.lastFeatures = f;
    this.last = { price: f.price, at: f.at };
    const tick: MarketTick = { symbol: setup.symbol, price: f.price, at: f.at, zRet: f.zRet, zVol: f.zVol };
    // Every subscriber's gate, and every watching position (of any portfolio: their names carry it).
    const work: Promise<unknown>[] = [];
    for (const gate of this.gateNames) {
      work.push(
        this.env.GATE.getByName(gate)
          .onTick(tick)
          .catch((err: unknown) => this.log.warn("gate.push_failed", { gate, error: errorMessage(err) })),
      );
    }
    for (const name of this.watchers) {
      work.push(
        this.env.POSITION.getByName(name)
          .onPrice({ price: f.price, at: f.at })
          .then((r) => {
            if (!r.watching) this.unwatch(name);
          })
          .catch((err: unknown) => this.log.warn("position.push_failed", { position: name, error: errorMessage(err) })),
      );
    }
    await Promise.all(work);
  }

  // ---- history ------------------------------------------------------------------------------

  private rest(): BinanceRest {
    return new BinanceRest(this.setup!.restUrl.replace(/\/$/, ""), undefined, this.config.exchange.restTimeoutMs);
  }

  /** Loads closed history of every timeframe and seeds the aggregator and features mid-bucket. */
  private async bootstrap(): Promise<void> {
    const setup = this.setup!;
    const rest = this.rest();
    const sym = exchangeSymbol(setup.symbol);
    const serverTime = await rest.serverTime();
    this.clock.observe(serverTime);
    for (const tf of AGGREGATE_TIMEFRAMES) {
      const rows = await rest.klines(sym, tf, { limit: this.config.ticker.historyLimit });
      for (const r of rows) if (r.closeTime < serverTime) this.insertCandle(tf, r.candle);
    }
    const dayStart = bucketStart(serverTime, "1d");
    const from = Math.min(dayStart, serverTime - (this.config.features.window + 1) * MINUTE);
    const minutes = await rest.closedMinutes(sym, from, serverTime);
    const seed = seedFromHistory(
      AGGREGATE_TIMEFRAMES,
      minutes.filter((m) => m.t >= dayStart),
    );
    this.agg = seed.state;
    this.features = new TickFeatureTracker(this.config.features.window, this.config.features.minSamples);
    this.material = initialMateriality();
    for (const m of minutes) {
      this.insertCandle("1m", m);
      this.lastFeatures = this.features.closeMinute(m, m.t + MINUTE);
      // History fills the trailing hour; the moves it shows are past, not news.
      this.observeMaterial(m, []);
    }
    const lastMin = minutes[minutes.length - 1];
    this.lastMinute = lastMin?.t ?? bucketStart(serverTime, "1m") - MINUTE;
    this.last = lastMin ? { price: lastMin.c, at: lastMin.t + MINUTE } : this.last;
    this.kv.put("agg", this.agg);
    this.kv.put("features", this.features.toJSON());
    this.kv.put("lastMinute", this.lastMinute);
    if (this.last) this.kv.put("last", this.last);
    this.log.info("feed.bootstrapped", { symbol: setup.symbol, minutes: minutes.length, serverTime });
  }

  /**
   * Feeds a closed minute to the materiality check, refreshing its σ on an hourly close and its band on a
   * decision-timeframe close (and on the first minute seen); answers the moves it makes material. Stores the state.
   */
  private observeMaterial(minute: Candle, closed: readonly { tf: Timeframe }[]): MaterialMove[] {
    const tf = this.config.gate.decisionTimeframe;
    const closedNow = { hour: closed.some((b) => b.tf === "1h"), decision: closed.some((b) => b.tf === tf) };
    const r = materialStep(this.material, this.setup!.symbol, minute, MINUTE, this.config.gate.material, tf, closedNow, (t, n) => this.candles(t, n));
    this.material = r.state;
    this.kv.put("material", this.material);
    return r.moves;
  }

  /**
   * Fetches and applies every closed minute after the last one held, up to `before` (a live frame's
   * open time) or the exchange's present. Higher-timeframe closes it produces reach the gate too.
   */
  private async backfill(reason: "gap" | "reconnect", before?: number): Promise<void> {
    const setup = this.setup;
    if (!setup || this.lastMinute === null) return;
    const rest = this.rest();
    let until = before;
    if (until === undefined) {
      const serverTime = await rest.serverTime();
      this.clock.observe(serverTime);
      until = serverTime;
    }
    if (until <= this.lastMinute + MINUTE) return;
    const minutes = await rest.closedMinutes(exchangeSymbol(setup.symbol), this.lastMinute + MINUTE, until);
    let closes = 0;
    let applied = 0;
    // Re-read after the fetch: frames applied meanwhile moved lastMinute on.
    for (const m of minutes) {
      if (this.lastMinute !== null && m.t <= this.lastMinute) continue;
      closes += this.applyClosedMinute(m, m.t + MINUTE).length;
      applied++;
    }
    if (minutes.length > 0) {
      this.health.candlesBackfilled += minutes.length;
      this.kv.put("health", this.health);
      this.log.info("feed.backfilled", { symbol: setup.symbol, reason, minutes: minutes.length });
      await this.publishFeed(`backfilled ${minutes.length} minutes (${reason})`);
    }
    if (closes > 0) await this.deliverMail();
    // The minutes missed while the socket was down reached no position and not the gate's quotes: the latest
    // backfilled close goes to them now (a pending entry fills, the safety layer sees the time and price), not
    // only with the next live frame. A gap's backfill is followed by its frame's own price.
    if (reason === "reconnect" && applied > 0 && this.setup && this.lastFeatures) await this.pushTick(this.lastFeatures);
  }

  /** Keeps a closed candle, and sends it to D1's `candles` (backtests) through the outbox: upserted, never lost. */
  private insertCandle(tf: Timeframe, c: Candle): void {
    this.store.put(tf, c);
    this.record("candles", { symbol: this.setup!.symbol, timeframe: tf, t: c.t, o: c.o, h: c.h, l: c.l, c: c.c, v: c.v });
  }
}
