import { DurableObject } from "cloudflare:workers";
import { EngineClock } from "../../adapters/clock";
import { createLogger, errorMessage, type Logger } from "../../adapters/log";
import type { HistoryRow, HistoryTable } from "../../adapters/store/history-tables";
import type { Env } from "../../env";
import { loadEngineConfig } from "../config";
import type { EngineConfig } from "../../lib/config";
import { DeadLetters, type DeadLetter } from "./dead-letters";
import { Mailbox } from "./mailbox";
import { Outbox } from "./outbox";
import { Quarantine } from "./quarantine";
import { KERNEL_MIGRATIONS, migrate, type Migration } from "./sqlite-schema";
import { Timers, type TimerPayloads, type TimerRow } from "./timers";

/** The handler of each of an actor's timers, by name, with the payload that timer carries. */
export type TimerHandlers<P extends TimerPayloads> = { [K in keyof P]: (payload: P[K], row: TimerRow) => Promise<void> };

/**
 * The small base every actor shares: SQLite migrations, named timers on the one alarm, the D1
 * outbox and the durable mailbox, an engine clock and a logger. Subclasses name their timers' payloads (`P`)
 * and give each timer its handler (`timerHandlers`).
 */
export abstract class Actor<P extends TimerPayloads = Record<never, never>> extends DurableObject<Env> {
  protected readonly sql: SqlStorage;
  protected readonly kv: SyncKvStorage;
  protected readonly timers: Timers<P>;
  protected readonly outbox: Outbox;
  protected readonly mailbox: Mailbox;
  protected readonly clock: EngineClock;
  protected readonly log: Logger;
  protected readonly config: EngineConfig;
  protected readonly deadLetters: DeadLetters;
  protected readonly quarantine: Quarantine;
  /** Alerts raised in a synchronous step (dead letters, quarantined state), published at the next flush. */
  private readonly pendingAlerts: { reason: string; detail: unknown }[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.kv = ctx.storage.kv;
    migrate(this.sql, [...KERNEL_MIGRATIONS, ...this.migrations()]);
    this.timers = new Timers<P>(this.sql);
    this.deadLetters = new DeadLetters(this.sql);
    this.quarantine = new Quarantine(this.sql, this.kv);
    this.deadLetters.onPut((d) => this.onDeadLetter(d));
    this.outbox = new Outbox(this.sql, () => this.env.DB, this.deadLetters);
    this.mailbox = new Mailbox(this.sql, env, this.deadLetters);
    this.clock = new EngineClock(EngineClock.modeOf(env.CLOCK_MODE), this.kv);
    this.log = createLogger(this.constructor.name, env.LOG_LEVEL);
    this.config = loadEngineConfig(env);
  }

  /** Schema steps of this actor's own tables. */
  protected migrations(): Migration[] {
    return [];
  }

  /** Runs a named timer that fell due. Throwing keeps the timer for a retry with backoff. */
  protected abstract readonly timerHandlers: TimerHandlers<P>;

  /** True while the actor delivers its due mail itself (in an order the alarm must not overtake): the alarm leaves it. */
  protected holdingMail(): boolean {
    return false;
  }

  /** The portfolio whose stream receives this actor's alerts; null until the actor knows it. */
  protected alertPortfolio(): string | null {
    return null;
  }

  override async alarm(): Promise<void> {
    const now = this.clock.wall();
    for (const row of this.timers.due(now)) {
      const handlers = this.timerHandlers as Record<string, (payload: unknown, row: TimerRow) => Promise<void>>;
      const handler = Object.hasOwn(handlers, row.name) ? handlers[row.name] : undefined;
      if (!handler) {
        // A timer no handler takes (left by an older version of the actor): dropped, not retried.
        this.log.warn("timer.unknown", { timer: row.name });
        this.timers.done(row);
        continue;
      }
      try {
        await handler(row.payload, row);
        this.timers.done(row);
      } catch (err) {
        this.log.error("timer.failed", { timer: row.name, attempts: row.attempts + 1, error: errorMessage(err) });
        if (!this.timers.retry(row, this.clock.wall())) {
          this.deadLetters.put(
            { kind: "timer", key: row.name, target: this.constructor.name, method: "onTimer", payload: JSON.stringify(row.payload), attempts: row.attempts + 1, error: errorMessage(err) },
            this.clock.wall(),
          );
        }
      }
    }
    await this.flush();
  }

  /** Backlog of this actor's durable work, for GET /api/status. */
  kernelStatus() {
    return {
      actor: this.constructor.name,
      mailbox: { pending: this.mailbox.pending(), stuck: this.mailbox.stuck() },
      history: { pending: this.outbox.pending() },
      timers: this.timers.count(),
      /** Timers due now: running in the alarm, or about to. */
      timersDue: this.timers.due(this.clock.wall()).map((r) => r.name),
      deadLetters: this.deadLetters.count(),
      quarantined: this.quarantine.count(),
      recentDeadLetters: this.deadLetters.list(5).map((d) => ({ kind: d.kind, key: d.key, target: d.target, method: d.method, attempts: d.attempts, error: d.error, at: d.at })),
    };
  }

  /** Raises an alert (log now, stream at the next flush); callable inside a synchronous step. */
  protected alert(reason: string, detail: unknown): void {
    this.log.error("actor.alert", { reason, detail });
    this.pendingAlerts.push({ reason, detail });
  }

  private onDeadLetter(d: DeadLetter): void {
    this.alert("dead_letter", { kind: d.kind, key: d.key, target: d.target, method: d.method, attempts: d.attempts, error: d.error });
  }

  /** Delivers due mail and writes due history, then arms the alarm for whatever is next. */
  protected async flush(): Promise<void> {
    for (const q of this.quarantine.takeNew()) this.alert("state_quarantined", { key: q.key, error: q.error });
    const now = this.clock.wall();
    if (this.mailbox.pending() > 0 && !this.holdingMail()) {
      const r = await this.mailbox.deliver(now);
      if (r.failed > 0 || r.deadLettered > 0) this.log.warn("mailbox.retrying", { failed: r.failed, delivered: r.delivered, deadLettered: r.deadLettered, error: r.lastError });
    }
    if ((this.outbox.nextDue() ?? Infinity) <= now) {
      const r = await this.outbox.drain(now);
      if (r.error) this.log.warn("outbox.retrying", { pending: this.outbox.pending(), error: r.error });
    }
    await this.arm();
    await this.publishAlerts();
  }

  private async publishAlerts(): Promise<void> {
    const portfolio = this.alertPortfolio();
    if (portfolio === null) return;
    for (const a of this.pendingAlerts.splice(0)) await this.emit(portfolio, "risk.alert", { source: this.constructor.name, reason: a.reason, detail: a.detail });
  }

  /** Points the alarm at the earliest timer, mail or history row that is due. */
  protected async arm(): Promise<void> {
    const candidates = [this.timers.nextDue(), this.holdingMail() ? null : this.mailbox.nextDue(), this.outbox.nextDue()].filter((x): x is number => x !== null);
    if (candidates.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const next = Math.max(Math.min(...candidates), this.clock.wall());
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  protected record(table: HistoryTable, row: HistoryRow): void {
    this.outbox.put(table, row, this.clock.wall());
  }

  /**
   * Publishes an event to the portfolio's stream. Should the stream not answer, the event goes by mail
   * instead (retried until the stream takes it): what the notifications read is not lost to one failed call.
   * The event's id (unique to this actor) lets the stream number it once, should the failed call have
   * reached it after all.
   */
  protected async emit(portfolio: string, type: string, data: unknown, ts: number = this.clock.now()): Promise<void> {
    const event = { type, ts, data, id: this.nextEventId() };
    try {
      await this.env.STREAM.getByName(`stream:${portfolio}`).publish(event);
    } catch (err) {
      this.log.warn("stream.publish_failed", { type, error: errorMessage(err), then: "mail" });
      this.mailbox.post(`emit:${event.id}`, "STREAM", `stream:${portfolio}`, "publish", event, this.clock.wall());
      await this.arm();
    }
  }

  /**
   * Publishes a live-only event (one the stream does not keep, e.g. `bar`) without waiting for the stream: off the
   * caller's path, not retried, and a failure only logged.
   */
  protected emitLive(portfolio: string, type: string, data: unknown, ts: number): void {
    this.ctx.waitUntil(
      this.env.STREAM.getByName(`stream:${portfolio}`)
        .publish({ type, ts, data })
        .then(
          () => undefined,
          (err: unknown) => this.log.warn("stream.publish_failed", { type, error: errorMessage(err), then: "dropped (live only)" }),
        ),
    );
  }

  private nextEventId(): string {
    const n = (this.kv.get<number>("_eventSeq") ?? 0) + 1;
    this.kv.put("_eventSeq", n);
    return `${this.ctx.id.name ?? this.ctx.id.toString()}:e${n}`;
  }
}
