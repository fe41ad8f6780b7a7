import { connectDelay } from "../adapters/exchange/rate-governor";
import { parseUserStreamFrame, pingRequest, subscribeRequest, type StreamOrderReport } from "../adapters/exchange/user-data-stream";
import { wsApiUrl } from "../adapters/exchange/ws-api-url";
import { errorMessage } from "../adapters/log";
import { jitteredBackoffMs } from "../lib/util/backoff";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { ExecutionReportMessage, UserStreamSetup } from "./messages";
import { actorName } from "./names";

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Binance's default recvWindow: how long after its timestamp the venue accepts the signed subscription. */
/** Events after which the venue sends nothing more on this subscription: a new connection is needed. */
const ENDING_EVENTS = new Set(["eventStreamTerminated", "serverShutdown"]);

export type UserStreamStatus = "idle" | "connecting" | "subscribing" | "live" | "reconnecting" | "stopped";

export interface UserStreamHealth {
  status: UserStreamStatus;
  url: string | null;
  connectedAt: number | null;
  subscribedAt: number | null;
  subscriptionId: number | null;
  /** Subscriptions the venue accepted, over this actor's life (each one asks the account to reconcile). */
  subscribes: number;
  disconnects: number;
  reconnectAttempt: number;
  /** Order events forwarded to the account. */
  reports: number;
  invalidFrames: number;
  lastEventAt: number | null;
  lastError: string | null;
  /** Why the last socket was given up (kept after a new subscription clears `lastError`). */
  lastDisconnect: string | null;
}

const NEW_HEALTH: UserStreamHealth = {
  status: "idle",
  url: null,
  connectedAt: null,
  subscribedAt: null,
  subscriptionId: null,
  subscribes: 0,
  disconnects: 0,
  reconnectAttempt: 0,
  reports: 0,
  invalidFrames: 0,
  lastEventAt: null,
  lastError: null,
  lastDisconnect: null,
};

/**
 * The venue's user-data stream of one portfolio: holds the outbound WebSocket API connection, subscribes with
 * a signed `userDataStream.subscribe.signature`, and mails every executionReport to the account, which hands it
 * to the positions of its symbol (the second path for fills, beside polling). A heartbeat pings the socket and
 * replaces it when a ping goes unanswered; every (re)subscription asks the account to reconcile, so what
 * happened while no subscription was live is found. Started and stopped by the AccountActor.
 */
/** The user-data stream's timers: the heartbeat (ping, dead-link check) and the reconnect. */
type UserStreamTimers = { heartbeat: null; reconnect: null };

export class UserStreamActor extends Actor<UserStreamTimers> {
  protected readonly timerHandlers: TimerHandlers<UserStreamTimers> = {
    heartbeat: () => this.heartbeatTimer(),
    reconnect: async () => {
      if (this.setup && !this.socket) this.open();
    },
  };

  private setup: UserStreamSetup | null = this.kv.get<UserStreamSetup>("setup") ?? null;
  private health: UserStreamHealth = this.kv.get<UserStreamHealth>("health") ?? { ...NEW_HEALTH };
  private socket: WebSocket | null = null;
  /** The request on the current socket waiting for its answer, with its wall send time. */
  private awaiting: { id: string; kind: "subscribe" | "ping"; at: number } | null = null;
  private requests = 0;
  /** Wall time the current socket was created. */
  private socketSince = 0;
  private queue: Promise<void> = Promise.resolve();

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Keeps the stream connected and subscribed for this venue. Idempotent. */
  async ensure(setup: UserStreamSetup): Promise<ReturnType<UserStreamActor["status"]>> {
    const moved = this.setup !== null && this.setup.restUrl !== setup.restUrl;
    this.setup = setup;
    this.kv.put("setup", setup);
    this.kv.put("ensuredAt", this.clock.wall());
    if (moved && this.socket) this.lose(this.socket, "venue changed");
    if (!this.socket && !this.timers.get("reconnect")) this.open();
    this.timers.scheduleBy("heartbeat", this.clock.wall() + this.config.execution.userStreamPingMs);
    await this.arm();
    return this.status();
  }

  /** Closes the connection and forgets the venue until the next `ensure`. */
  async stop(): Promise<void> {
    this.timers.cancel("heartbeat");
    this.timers.cancel("reconnect");
    const ws = this.socket;
    this.socket = null;
    this.awaiting = null;
    closeQuietly(ws, 1000, "stopped");
    this.setHealth({ status: "stopped", subscriptionId: null });
    if (this.setup) this.log.info("user_stream.stopped", { portfolio: this.setup.portfolio });
    this.kv.delete("setup");
    this.setup = null;
    await this.arm();
  }

  status() {
    return { portfolio: this.setup?.portfolio ?? null, socketOpen: this.socket !== null, ...this.health };
  }

  // ---- timers -------------------------------------------------------------------------------

  private async heartbeatTimer(): Promise<void> {
    if (!this.setup) return;
    // The account ensures the stream at every reconciliation: one it stopped asking for (its portfolio gone) closes.
    const quietFor = this.clock.wall() - (this.kv.get<number>("ensuredAt") ?? 0);
    if (quietFor > 3 * this.config.execution.reconcileEveryMs + 60_000) {
      this.log.warn("user_stream.abandoned", { portfolio: this.setup.portfolio, quietForMs: quietFor });
      return this.stop();
    }
    this.heartbeat();
    this.timers.schedule("heartbeat", this.clock.wall() + this.config.execution.userStreamPingMs);
  }

  /**
   * A request unanswered, or a socket not subscribed, for a whole interval means a dead link; otherwise a live
   * subscription is pinged.
   */
  private heartbeat(): void {
    const ws = this.socket;
    if (!ws) {
      if (!this.timers.get("reconnect")) this.scheduleReconnect();
      return;
    }
    const waiting = this.awaiting;
    const wall = this.clock.wall();
    const interval = this.config.execution.userStreamPingMs;
    if (waiting && wall - waiting.at >= interval) {
      this.lose(ws, `no answer to ${waiting.kind} for ${Math.round((wall - waiting.at) / 1000)} s`);
    } else if (!waiting && this.health.status !== "live" && wall - this.socketSince >= interval) {
      this.lose(ws, `not subscribed ${Math.round((wall - this.socketSince) / 1000)} s after connecting`);
    } else if (!waiting && this.health.status === "live") {
      this.send(ws, "ping", pingRequest);
    }
  }

  // ---- socket -------------------------------------------------------------------------------

  private open(): void {
    const setup = this.setup;
    if (!setup) return;
    // Shares the venue's connection spacing with the market feeds (one new socket a second per venue).
    const wait = connectDelay(setup.restUrl);
    if (wait !== null) {
      this.timers.schedule("reconnect", this.clock.wall() + wait);
      this.ctx.waitUntil(this.arm());
      return;
    }
    let url: string;
    let ws: WebSocket;
    try {
      url = wsApiUrl(setup.restUrl);
      this.setHealth({ status: this.health.disconnects > 0 ? "reconnecting" : "connecting", url });
      ws = new WebSocket(url);
    } catch (err) {
      this.failedToOpen(errorMessage(err));
      return;
    }
    this.socket = ws;
    this.socketSince = this.clock.wall();
    this.awaiting = null;
    ws.addEventListener("open", () => {
      if (this.socket !== ws) return;
      this.setHealth({ connectedAt: this.clock.wall() });
      this.log.info("user_stream.connected", { portfolio: setup.portfolio, url });
      this.enqueue(() => this.subscribe(ws));
    });
    ws.addEventListener("message", (ev) => {
      if (this.socket !== ws) return;
      const raw = typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer);
      this.enqueue(() => this.handleFrame(ws, raw));
    });
    ws.addEventListener("close", (ev) => this.lose(ws, `closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
    ws.addEventListener("error", () => this.lose(ws, "socket error"));
  }

  private failedToOpen(why: string): void {
    this.setHealth({ status: "reconnecting", disconnects: this.health.disconnects + 1, lastError: why });
    this.log.error("user_stream.connect_failed", { portfolio: this.setup?.portfolio, why });
    this.scheduleReconnect();
    this.ctx.waitUntil(this.arm());
  }

  /** The signed subscription, sent once the socket is open. The keys are read from the worker's secrets here, never stored or logged. */
  private async subscribe(ws: WebSocket): Promise<void> {
    const apiKey = this.env.BINANCE_API_KEY;
    const secret = this.env.BINANCE_API_SECRET;
    if (!apiKey || !secret) {
      this.log.error("user_stream.subscribe_failed", { portfolio: this.setup?.portfolio, why: "no BINANCE_API_KEY/BINANCE_API_SECRET to sign with" });
      this.lose(ws, "no API key to subscribe with");
      return;
    }
    const id = `sub-${++this.requests}`;
    const frame = await subscribeRequest({ id, apiKey, secret, timestamp: Date.now(), recvWindow: this.config.execution.recvWindowMs });
    if (this.socket !== ws) return;
    this.setHealth({ status: "subscribing" });
    this.send(ws, "subscribe", () => frame, id);
  }

  private send(ws: WebSocket, kind: "subscribe" | "ping", build: (id: string) => string, id = `${kind}-${++this.requests}`): void {
    try {
      ws.send(build(id));
      this.awaiting = { id, kind, at: this.clock.wall() };
    } catch (err) {
      this.lose(ws, `cannot send ${kind}: ${errorMessage(err)}`);
    }
  }

  private async handleFrame(ws: WebSocket, raw: string): Promise<void> {
    if (this.socket !== ws || !this.setup) return;
    const frame = parseUserStreamFrame(raw);
    if (frame.kind === "response") {
      const waiting = this.awaiting;
      if (!waiting || frame.id !== waiting.id) return;
      this.awaiting = null;
      if (waiting.kind === "subscribe") await this.onSubscribeAnswer(ws, frame.status, frame.result, frame.error);
    } else if (frame.kind === "execution") {
      await this.forward(frame.report);
    } else if (frame.kind === "event") {
      if (ENDING_EVENTS.has(frame.type)) this.lose(ws, `the venue sent ${frame.type}`);
    } else {
      const n = this.health.invalidFrames + 1;
      this.setHealth({ invalidFrames: n });
      if (n === 1 || n % 100 === 0) this.log.warn("user_stream.frame_dropped", { portfolio: this.setup.portfolio, reason: frame.reason, count: n });
    }
  }

  private async onSubscribeAnswer(ws: WebSocket, status: number, result: unknown, error: { code: number; msg: string } | null): Promise<void> {
    const portfolio = this.setup!.portfolio;
    const subscriptionId = (result as { subscriptionId?: unknown } | null)?.subscriptionId;
    if (status !== 200 || typeof subscriptionId !== "number") {
      this.log.error("user_stream.subscribe_failed", { portfolio, status, code: error?.code ?? null, msg: error?.msg ?? null });
      this.lose(ws, `subscription refused: ${status}${error ? ` ${error.code} ${error.msg}` : ""}`);
      return;
    }
    const subscribes = this.health.subscribes + 1;
    this.setHealth({ status: "live", subscriptionId, subscribedAt: this.clock.wall(), subscribes, reconnectAttempt: 0, lastError: null });
    // Whatever the venue reported while no subscription was live is found by reconciling now.
    this.mailbox.post(`resync:${subscribes}`, "ACCOUNT", actorName.account(portfolio), "reconcileSoon", { reason: "user-data stream subscribed" }, this.clock.wall());
    this.log.info("user_stream.subscribed", { portfolio, subscriptionId, subscribes });
    await this.flush();
  }

  /** One order event → durable mail to the account, written with the count that keys it in one step. */
  private async forward(r: StreamOrderReport): Promise<void> {
    const portfolio = this.setup!.portfolio;
    const seq = (this.kv.get<number>("seq") ?? 0) + 1;
    const msg: ExecutionReportMessage = { seq, clientOrderId: r.clientOrderId, symbol: r.symbol, report: r.report };
    this.kv.put("seq", seq);
    this.mailbox.post(`report:${seq}`, "ACCOUNT", actorName.account(portfolio), "onExecutionReport", msg, this.clock.wall());
    this.setHealth({ reports: this.health.reports + 1, lastEventAt: r.report.kind === "order" ? r.report.order.at : this.health.lastEventAt });
    await this.flush();
  }

  /** The socket is gone (closed, failed, silent, refused): a new one follows after a backoff. */
  private lose(ws: WebSocket, why: string): void {
    if (this.socket !== ws) return;
    this.socket = null;
    this.awaiting = null;
    closeQuietly(ws, 4000, "replaced");
    this.setHealth({ status: "reconnecting", subscriptionId: null, disconnects: this.health.disconnects + 1, lastError: why, lastDisconnect: why });
    this.log.warn("user_stream.disconnected", { portfolio: this.setup?.portfolio, why, disconnects: this.health.disconnects });
    this.scheduleReconnect();
    this.ctx.waitUntil(this.arm());
  }

  private scheduleReconnect(): void {
    const attempt = this.health.reconnectAttempt;
    this.setHealth({ reconnectAttempt: attempt + 1 });
    this.timers.schedule("reconnect", this.clock.wall() + jitteredBackoffMs(attempt, BACKOFF_BASE_MS, BACKOFF_MAX_MS, Math.random()));
  }

  /** Frames are handled one after another in arrival order, across the awaits of their delivery. */
  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err) => {
      this.setHealth({ lastError: errorMessage(err) });
      this.log.error("user_stream.handler_failed", { portfolio: this.setup?.portfolio, error: errorMessage(err) });
    });
  }

  private setHealth(patch: Partial<UserStreamHealth>): void {
    this.health = { ...this.health, ...patch };
    this.kv.put("health", this.health);
  }
}

function closeQuietly(ws: WebSocket | null, code: number, reason: string): void {
  try {
    ws?.close(code, reason);
  } catch {
    // already closed
  }
}
