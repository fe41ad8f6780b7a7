import { connectDelay } from "../../adapters/exchange/rate-governor";
import type { Logger } from "../../adapters/log";
import type { TickerConfig } from "../../lib/config";
import { heartbeatAction } from "../../lib/market/feed-heartbeat";
import { jitteredBackoffMs } from "../../lib/util/backoff";
import type { TickerSetup } from "../messages";
import { exchangeSymbol } from "../names";
import type { HealthRecord } from "./feed-health";
import { FeedSocket } from "./feed-socket";

/** What the link needs of its ticker. */
export interface FeedLinkPorts {
  /** The feed's setup; null once it stopped. */
  setup(): TickerSetup | null;
  wall(): number;
  /** Sets the `reconnect` timer to `at`. */
  scheduleReconnect(at: number): void;
  reconnectPending(): boolean;
  /** Points the alarm at the next timer, off the caller's path. */
  arm(): void;
  /** The socket opened (catch up on what was missed). */
  opened(): void;
  /** A frame, in arrival order. */
  frame(raw: string): void;
  /** The socket is gone; its reconnect is scheduled. */
  lost(): void;
}

/**
 * The connection of a market's feed: opens the kline socket (spread over the venue's connect budget), keeps the
 * connection's state in the feed health, reconnects after a jittered backoff when the socket is lost, and drops it when
 * it falls silent (an outbound socket does not hibernate and is dropped on deploy, not always with a close).
 */
export class FeedLink {
  private readonly socket: FeedSocket;

  constructor(
    private readonly health: HealthRecord,
    private readonly cfg: TickerConfig,
    private readonly log: Logger,
    private readonly ports: FeedLinkPorts,
  ) {
    this.socket = new FeedSocket({
      open: () => {
        const wall = ports.wall();
        health.heard(wall);
        health.set({ status: "live", connectedAt: wall, reconnectAttempt: 0, lastError: null });
        log.info("feed.open", { symbol: ports.setup()?.symbol });
        ports.opened();
      },
      frame: (raw) => {
        health.heard(ports.wall());
        ports.frame(raw);
      },
      lost: (why) => this.lost(why),
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Opens the socket of the setup's 1m kline stream, or sets the reconnect timer when the venue's connect budget says wait. */
  open(): void {
    const setup = this.ports.setup();
    if (!setup) return;
    // Reconnect storms are spread: at most one new connection a second per venue (this isolate's share).
    const wait = connectDelay(setup.restUrl);
    if (wait !== null) {
      this.ports.scheduleReconnect(this.ports.wall() + wait);
      this.ports.arm();
      return;
    }
    this.health.set({ status: this.health.value.disconnects > 0 ? "reconnecting" : "connecting" });
    this.socket.open(`${setup.feedWsUrl.replace(/\/$/, "")}/stream?streams=${exchangeSymbol(setup.symbol).toLowerCase()}@kline_1m`);
  }

  /** The heartbeat: a silent socket is dropped (and reconnected), a missing one without a pending reconnect gets one. Stores the health. */
  heartbeat(): void {
    const feed = { connected: this.socket.connected, lastMessageWall: this.health.value.lastMessageWall, reconnectPending: this.ports.reconnectPending() };
    const action = heartbeatAction(feed, this.ports.wall(), this.cfg.silenceMs);
    if (action.kind === "drop") {
      this.log.warn("feed.silent", { symbol: this.ports.setup()?.symbol, silentForMs: action.silentForMs });
      this.socket.drop(`no message for ${Math.round(action.silentForMs / 1000)} s`, 4000, "silent");
    } else if (action.kind === "reconnect") {
      this.scheduleReconnect();
    }
    this.health.save();
  }

  /** The feed stops: the socket is closed on purpose (not reported as lost). */
  stop(): void {
    this.health.set({ status: "stopped" });
    this.socket.close(1000, "stopped");
  }

  private lost(why: string): void {
    this.health.set({ status: "reconnecting", disconnects: this.health.value.disconnects + 1, lastError: why });
    this.log.warn("feed.lost", { symbol: this.ports.setup()?.symbol, why });
    this.scheduleReconnect();
    this.ports.lost();
    this.ports.arm();
  }

  private scheduleReconnect(): void {
    const attempt = this.health.nextReconnectAttempt();
    this.ports.scheduleReconnect(this.ports.wall() + jitteredBackoffMs(attempt, this.cfg.backoffBaseMs, this.cfg.backoffMaxMs, Math.random()));
  }
}
