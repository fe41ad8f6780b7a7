import { DurableObject } from "cloudflare:workers";
import { EngineClock } from "../../adapters/clock";
import { createLogger, errorMessage, type Logger } from "../../adapters/log";
import type { HistoryRow, HistoryTable } from "../../adapters/store/history-tables";
import type { Env } from "../../env";
import { loadEngineConfig } from "../config";
import type { EngineConfig } from "../../lib/config";
import { Mailbox } from "./mailbox";
import { Outbox } from "./outbox";
import { KERNEL_MIGRATIONS, migrate, type Migration } from "./sqlite-schema";
import { Timers, type TimerRow } from "./timers";

/**
 * The small base every actor shares: SQLite migrations, named timers on the one alarm, the D1
 * outbox and the durable mailbox, an engine clock and a logger. Subclasses implement `onTimer`.
 */
export abstract class Actor extends DurableObject<Env> {
  protected readonly sql: SqlStorage;
  protected readonly kv: SyncKvStorage;
  protected readonly timers: Timers;
  protected readonly outbox: Outbox;
  protected readonly mailbox: Mailbox;
  protected readonly clock: EngineClock;
  protected readonly log: Logger;
  protected readonly config: EngineConfig;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.kv = ctx.storage.kv;
    migrate(this.sql, [...KERNEL_MIGRATIONS, ...this.migrations()]);
    this.timers = new Timers(this.sql);
    this.outbox = new Outbox(this.sql, () => this.env.DB);
    this.mailbox = new Mailbox(this.sql, env);
    this.clock = new EngineClock(EngineClock.modeOf(env.CLOCK_MODE), this.kv);
    this.log = createLogger(this.constructor.name, env.LOG_LEVEL);
    this.config = loadEngineConfig(env);
  }

  /** Schema steps of this actor's own tables. */
  protected migrations(): Migration[] {
    return [];
  }

  /** Runs a named timer that fell due. Throwing keeps the timer for a retry with backoff. */
  protected abstract onTimer(name: string, payload: unknown, row: TimerRow): Promise<void>;

  override async alarm(): Promise<void> {
    const now = this.clock.wall();
    for (const row of this.timers.due(now)) {
      try {
        await this.onTimer(row.name, row.payload, row);
        this.timers.done(row);
      } catch (err) {
        this.log.error("timer.failed", { timer: row.name, attempts: row.attempts + 1, error: errorMessage(err) });
        this.timers.retry(row, this.clock.wall());
      }
    }
    await this.flush();
  }

  /** Delivers due mail and writes due history, then arms the alarm for whatever is next. */
  protected async flush(): Promise<void> {
    const now = this.clock.wall();
    if (this.mailbox.pending() > 0) {
      const r = await this.mailbox.deliver(now);
      if (r.failed > 0) this.log.warn("mailbox.retrying", { failed: r.failed, delivered: r.delivered, error: r.lastError });
    }
    if ((this.outbox.nextDue() ?? Infinity) <= now) {
      const r = await this.outbox.drain(now);
      if (r.error) this.log.warn("outbox.retrying", { pending: this.outbox.pending(), error: r.error });
    }
    await this.arm();
  }

  /** Points the alarm at the earliest timer, mail or history row that is due. */
  protected async arm(): Promise<void> {
    const candidates = [this.timers.nextDue(), this.mailbox.nextDue(), this.outbox.nextDue()].filter((x): x is number => x !== null);
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

  /** Publishes an event to the portfolio's stream; best effort (history in D1 is the record). */
  protected async emit(portfolio: string, type: string, data: unknown, ts: number = this.clock.now()): Promise<void> {
    try {
      await this.env.STREAM.getByName(`stream:${portfolio}`).publish({ type, ts, data });
    } catch (err) {
      this.log.warn("stream.publish_failed", { type, error: errorMessage(err) });
    }
  }
}
