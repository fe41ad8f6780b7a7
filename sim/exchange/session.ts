import type { WebSocket } from "ws";
import { Account } from "./account";
import { ReplayClock } from "./clock";
import type { TradingContext } from "./context";
import { MALFORMED_PRESET, parseFault } from "./faults";
import { aggTradeEvent, klineEvent, parseStream, type StreamSpec } from "./frames";
import type { ApiRequest, ApiResponse } from "./http-util";
import { bucketOf, MINUTE } from "./intervals";
import { FuturesAccount } from "./futures-account";
import { futuresState } from "./futures-orders";
import { FormingAggregator } from "./klines";
import { symbolData } from "./market-data";
import { resolveOptions, type ResolvedOptions } from "./options";
import { queryOrder, tradeJson } from "./order-format";
import { RestGateway } from "./rest-gateway";
import { StreamClient } from "./sockets";
import { TickSource, type Tick } from "./ticks";
import { UserStreams } from "./user-stream";
import { WsApi } from "./ws-api";

const LOOP_MS = 5;

/** One independent replay: its own clock, account, sockets and faults. */
export class Session implements TradingContext {
  readonly opts: ResolvedOptions;
  readonly account: Account;
  /** USD-M futures account: its own USDT wallet, starting with the spot account's initial USDT (not shared with it). */
  readonly futures: FuturesAccount;
  readonly clients = new Set<StreamClient>();
  readonly userStreams: UserStreams;
  readonly wsApi: WsApi;
  private readonly clock: ReplayClock;
  private readonly ticks: TickSource;
  private readonly forming = new FormingAggregator();
  private readonly specs = new Map<string, StreamSpec | undefined>();
  private loop: ReturnType<typeof setInterval> | undefined;
  private framesSent = 0;
  private endedLogged = false;
  private refuseUntil = 0;
  private readonly gateway: RestGateway;

  constructor(
    readonly id: string,
    options: unknown,
    readonly restBase: string,
    readonly wsBase: string,
    private readonly log: (line: string) => void,
  ) {
    this.opts = resolveOptions(options);
    const o = this.opts;
    this.clock = new ReplayClock(o.mode, o.start, o.speed, o.end);
    this.ticks = new TickSource(o.symbols.map(symbolData), o.partials, o.start, o.end, o.openingFrame);
    this.wsApi = new WsApi({ apiKey: o.apiKey, apiSecret: o.apiSecret });
    this.userStreams = new UserStreams({
      sessionId: id,
      apiKey: o.apiKey,
      clients: () => this.clients,
      balance: (asset) => this.account.balance(asset),
      ttlMs: o.listenKeyTtlMs,
      relay: (payload) => this.wsApi.publish(payload),
    });
    this.account = new Account({ balances: o.balances, takerFee: o.takerFee, fillParts: o.fillParts, emit: (e) => this.userStreams.publish(e) });
    this.futures = new FuturesAccount(o.balances["USDT"] ?? 0, o.start, (symbol) => this.price(symbol));
    this.gateway = new RestGateway(this, this.userStreams);
    if (o.mode === "realtime") this.loop = setInterval(() => this.sync(), LOOP_MS);
  }

  get symbols(): readonly string[] {
    return this.opts.symbols;
  }
  get partials(): number {
    return this.opts.partials;
  }
  get apiKey(): string {
    return this.opts.apiKey;
  }
  get apiSecret(): string {
    return this.opts.apiSecret;
  }
  get ended(): boolean {
    return this.ticks.ended;
  }

  now(): number {
    return this.clock.now();
  }

  price(symbol: string): number {
    return this.ticks.price(symbol) ?? Number.NaN;
  }

  /**
   * Emits every frame due by the current replay time (realtime loop, and before every REST call). A manual session's
   * frames go out only as it is advanced: its opening frame at the start waits for the first advance, not a REST call.
   */
  sync(): void {
    if (this.opts.mode === "realtime") this.pump(this.clock.now());
    this.userStreams.sweep(this.clock.now());
  }

  /** Manual mode: emits every frame of the next `minutes` 1m candles, then T = start of the next minute. */
  async advance(minutes: number): Promise<void> {
    if (!Number.isInteger(minutes) || minutes < 0) throw new Error("advance(minutes): minutes must be a non-negative integer");
    await this.advanceTo(bucketOf(this.clock.now(), MINUTE) + minutes * MINUTE);
  }

  /** Manual mode: emits every frame with event time up to `target` (one frame at a time, when it is one's time), then T = target. */
  async advanceTo(target: number): Promise<void> {
    if (this.opts.mode !== "manual") throw new Error("advance() needs a manual-mode session");
    if (!Number.isFinite(target) || target < this.clock.now()) throw new Error(`advance to ${target}: the time must not be before the replay's (${this.clock.now()})`);
    this.pump(target);
    this.clock.set(target);
    await Promise.all([...this.clients, ...this.wsApi.connections].map((c) => c.flushed()));
  }

  /**
   * Manual mode: emits the next `frames` frames, one at a time (two frames of the same event time, a minute's close and
   * the next one's opening frame, are two steps), then T = the last one's event time.
   */
  async advanceFrames(frames: number): Promise<void> {
    if (this.opts.mode !== "manual") throw new Error("advance() needs a manual-mode session");
    if (!Number.isInteger(frames) || frames < 0) throw new Error("advance(frames): frames must be a non-negative integer");
    for (let n = 0; n < frames && !this.ticks.ended; n++) {
      const E = this.ticks.nextTime()!;
      this.clock.set(E);
      for (const tick of this.ticks.nextFrame()) this.emit(tick);
    }
    this.noteEnded();
    await Promise.all([...this.clients, ...this.wsApi.connections].map((c) => c.flushed()));
  }

  control(c: { speed?: number; paused?: boolean }): void {
    if (c.speed !== undefined && !(c.speed > 0 && Number.isFinite(c.speed))) throw new Error("speed must be a positive number");
    this.sync();
    this.clock.control(c);
  }

  fault(input: unknown): void {
    const f = parseFault(input);
    const wall = Date.now();
    switch (f.type) {
      case "drop":
        this.refuseUntil = wall + (f.refuseMs ?? 0);
        for (const c of [...this.clients, ...this.wsApi.connections]) c.ws.terminate();
        break;
      case "silence":
        for (const c of [...this.clients, ...this.wsApi.connections]) c.silencedUntil = wall + f.ms;
        break;
      case "malformed":
        for (const c of this.clients) this.sendMalformed(c, f.frames);
        break;
      case "http":
      case "error_after":
      case "lost_response":
        this.gateway.faults.add(f);
        break;
      case "delayed_fill":
        this.account.delayNext(f.count, f.parts ?? 2, f.ticksPerPart ?? 1);
        break;
      case "duplicate_fill_report":
        this.userStreams.duplicateNext(f.count);
        break;
      case "clear":
        this.refuseUntil = 0;
        this.gateway.faults.clear();
        this.account.clearDelays();
        this.userStreams.clearFaults();
        for (const c of [...this.clients, ...this.wsApi.connections]) c.silencedUntil = 0;
    }
  }

  /** True while a `drop` fault refuses new WebSocket upgrades. */
  refusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  attach(ws: WebSocket, combined: boolean, streams: readonly string[]): void {
    const c = new StreamClient(ws, combined, streams);
    this.clients.add(c);
    ws.on("message", (data) => c.sendRaw(c.handleControl(String(data))));
    ws.on("close", () => this.clients.delete(c));
    ws.on("error", () => this.clients.delete(c));
  }

  /** A WebSocket API connection (`/ws-api/v3`): user-data subscriptions and ping. */
  attachWsApi(ws: WebSocket): void {
    this.wsApi.attach(ws);
  }

  /** A REST call under `/api/v3/` or `/fapi/v1|v2|v3/` (and `/futures/data/`), after emitting every frame due. */
  rest(kind: "api" | "fapi", req: ApiRequest): ApiResponse | "lost" {
    this.sync();
    return this.gateway.call(kind, req);
  }

  state(): unknown {
    this.sync();
    const requestFaults = this.gateway.faults.list();
    return {
      id: this.id,
      now: this.now(),
      start: this.opts.start,
      end: this.opts.end,
      mode: this.opts.mode,
      speed: this.clock.speed,
      paused: this.clock.paused,
      partials: this.opts.partials,
      fillParts: this.opts.fillParts,
      ended: this.ended,
      symbols: this.opts.symbols,
      prices: Object.fromEntries(this.opts.symbols.map((s) => [s, this.price(s)])),
      connections: [...this.clients].filter((c) => c.open).length,
      framesSent: this.framesSent,
      ordersByClientId: { ...this.account.ordersByClientId },
      orders: this.account.orders.map((o) => ({ ...(queryOrder(o) as object), fills: o.fills.map(tradeJson) })),
      trades: this.account.trades.map(tradeJson),
      balances: this.account.balances(),
      futures: futuresState(this.futures),
      userStream: this.userStreams.state(),
      wsApi: this.wsApi.state(),
      rateLimits: this.gateway.rates.state(),
      requests: { ...this.gateway.received },
      faults: {
        refuseUntil: this.refuseUntil > Date.now() ? this.refuseUntil : null,
        http: requestFaults.find((f) => f.type === "http") ?? null,
        lostResponses: requestFaults.filter((f) => f.type === "lost_response").reduce((n, f) => n + f.remaining, 0),
        silencedSockets: [...this.clients].filter((c) => c.silenced()).length,
        requests: requestFaults,
        delayedFills: this.account.pendingDelays(),
        duplicateFillReports: this.userStreams.state().duplicateFillReports,
      },
    };
  }

  close(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = undefined;
    for (const c of [...this.clients, ...this.wsApi.connections]) c.ws.terminate();
    this.clients.clear();
    this.wsApi.connections.clear();
  }

  private pump(T: number): void {
    for (const tick of this.ticks.until(T)) this.emit(tick);
    this.noteEnded();
  }

  /** A frame of one symbol: the account's orders meet its prices, then it goes to every socket that streams it. */
  private emit(tick: Tick): void {
    this.account.onTick(tick.symbol, tick.levels, tick.E);
    this.futures.onTick(tick.symbol, tick.levels, tick.E);
    this.broadcast(tick);
  }

  private noteEnded(): void {
    if (this.ticks.ended && !this.endedLogged) {
      this.endedLogged = true;
      if (this.loop) clearInterval(this.loop);
      this.loop = undefined;
      this.log(`session ${this.id}: 1m data ended at ${new Date(this.opts.end).toISOString()}; no more frames`);
    }
  }

  private spec(stream: string): StreamSpec | undefined {
    if (!this.specs.has(stream)) this.specs.set(stream, parseStream(stream, this.opts.symbols));
    return this.specs.get(stream);
  }

  private broadcast(tick: Tick): void {
    const payloads = new Map<string, string>();
    for (const c of this.clients) {
      for (const stream of c.streams) {
        const spec = this.spec(stream);
        if (!spec || spec.symbol !== tick.symbol) continue;
        let payload = payloads.get(stream);
        if (payload === undefined) payloads.set(stream, (payload = this.payload(spec, tick)));
        if (c.sendFrame(stream, payload)) this.framesSent++;
      }
    }
  }

  private payload(spec: StreamSpec, tick: Tick): string {
    if (spec.kind === "aggTrade") return aggTradeEvent(tick);
    if (spec.ms === MINUTE) return klineEvent(spec.symbol, spec.interval, MINUTE, tick.E, tick.revealed, tick.final);
    const candle = this.forming.at(tick.data, spec.ms, tick.m, tick.revealed);
    const closes = tick.final && tick.m + MINUTE === candle.t + spec.ms;
    return klineEvent(spec.symbol, spec.interval, spec.ms, tick.E, candle, closes);
  }

  private sendMalformed(c: StreamClient, frames: string[] | undefined): void {
    if (frames) {
      for (const f of frames) if (c.sendRaw(f)) this.framesSent++;
      return;
    }
    const stream = [...c.streams].find((s) => this.spec(s)?.kind === "kline");
    const spec = stream ? this.spec(stream) : undefined;
    const symbol = spec?.symbol ?? this.opts.symbols[0]!;
    const [interval, ms] = spec?.kind === "kline" ? [spec.interval, spec.ms] : ["1m", MINUTE];
    const T = this.now();
    const ctx = { symbol, interval, ms, E: T, t: bucketOf(T, ms), price: this.price(symbol) };
    const name = stream ?? `${symbol.toLowerCase()}@kline_1m`;
    for (const p of MALFORMED_PRESET) if (c.sendFrame(name, p.build(ctx))) this.framesSent++;
  }
}
