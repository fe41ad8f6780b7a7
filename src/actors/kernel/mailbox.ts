import type { ActorBinding, Env } from "../../env";
import { retryDelayMs } from "./backoff";
import type { DeadLetters } from "./dead-letters";

type RpcTarget = Record<string, (payload: unknown) => Promise<unknown>>;

/** The actor class behind a binding. */
type ActorOf<B extends ActorBinding> = Env[B] extends DurableObjectNamespace<infer T> ? T : never;
/** The public methods of that actor that take one argument: what mail may call. */
export type MailMethod<B extends ActorBinding> = { [M in keyof ActorOf<B>]: ActorOf<B>[M] extends (payload: never) => unknown ? M : never }[keyof ActorOf<B>] & string;
/** The argument of that method: what the mail carries. */
export type MailPayload<B extends ActorBinding, M extends MailMethod<B>> = ActorOf<B>[M] extends (payload: infer P) => unknown ? P : never;

/** Deliveries a message gets before it is dead-lettered (about eight minutes of backoff). */
export const MAIL_MAX_ATTEMPTS = 20;

type MailRow = {
  seq: number;
  key: string;
  binding: ActorBinding;
  target: string;
  method: string;
  payload: string;
  attempts: number;
  next_at: number;
};

export interface DeliveryReport {
  delivered: number;
  failed: number;
  deadLettered: number;
  lastError: string | null;
}

/**
 * Durable messages to other actors: posted in the same storage transaction as the state change that
 * causes them, delivered by the alarm until the receiver acknowledges. The key makes a message
 * unique (posting it twice sends it once); receivers are idempotent, so delivery at least once
 * gives each effect exactly once.
 *
 * Mail to one receiver arrives in posting order: while a message waits for its retry, the later
 * messages to the same receiver wait behind it (a close never overtakes its fill). A message that
 * exhausts its retries goes to the dead letters, and the ones behind it go on.
 */
export class Mailbox {
  private running = false;
  private rerun = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly dead: DeadLetters,
  ) {}

  /** Typed like direct RPC: a method the receiver does not have, or a payload it does not take, fails `tsc`. */
  post<B extends ActorBinding, M extends MailMethod<B>>(key: string, binding: B, target: string, method: M, payload: MailPayload<B, M>, now: number): void {
    // Behind a message that waits for its retry, a new one to the same receiver waits as long.
    const behind = this.sql.exec<{ n: number | null }>("SELECT MAX(next_at) AS n FROM _mailbox WHERE binding = ? AND target = ?", binding, target).one().n;
    this.sql.exec(
      "INSERT OR IGNORE INTO _mailbox (key, binding, target, method, payload, next_at) VALUES (?, ?, ?, ?, ?, ?)",
      key,
      binding,
      target,
      method,
      JSON.stringify(payload),
      Math.max(now, behind ?? now),
    );
  }

  pending(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _mailbox").one().n;
  }

  nextDue(): number | null {
    return this.sql.exec<{ n: number | null }>("SELECT MIN(next_at) AS n FROM _mailbox").one().n;
  }

  /** The most retried message waiting, for status pages. */
  stuck(): { key: string; target: string; method: string; attempts: number; lastError: string | null } | null {
    const row = this.sql
      .exec<{ key: string; target: string; method: string; attempts: number; last_error: string | null }>(
        "SELECT key, target, method, attempts, last_error FROM _mailbox WHERE attempts > 0 ORDER BY attempts DESC LIMIT 1",
      )
      .toArray()[0];
    return row ? { key: row.key, target: row.target, method: row.method, attempts: row.attempts, lastError: row.last_error } : null;
  }

  /**
   * Delivers due messages in posting order, one delivery run at a time per actor (two overlapping runs
   * could send a message twice and out of order). A call while a run is under way does not wait for it
   * (the receiver of the running delivery may be the one calling back: waiting would deadlock); the
   * running one goes round once more instead, and the alarm covers whatever is due later.
   */
  async deliver(now: number): Promise<DeliveryReport> {
    if (this.running) {
      this.rerun = true;
      return { delivered: 0, failed: 0, deadLettered: 0, lastError: null };
    }
    this.running = true;
    try {
      const report = await this.deliverOnce(now);
      while (this.rerun) {
        this.rerun = false;
        const again = await this.deliverOnce(now);
        report.delivered += again.delivered;
        report.failed += again.failed;
        report.deadLettered += again.deadLettered;
        report.lastError = again.lastError ?? report.lastError;
      }
      return report;
    } finally {
      this.running = false;
    }
  }

  private async deliverOnce(now: number): Promise<DeliveryReport> {
    const rows = this.sql.exec<MailRow>("SELECT rowid AS seq, key, binding, target, method, payload, attempts, next_at FROM _mailbox ORDER BY rowid").toArray();
    const held = new Set<string>();
    const report: DeliveryReport = { delivered: 0, failed: 0, deadLettered: 0, lastError: null };
    for (const row of rows) {
      const receiver = `${row.binding}\u0000${row.target}`;
      if (held.has(receiver)) continue;
      if (row.next_at > now) {
        held.add(receiver);
        continue;
      }
      try {
        const ns = this.env[row.binding] as unknown as DurableObjectNamespace;
        const stub = ns.getByName(row.target) as unknown as RpcTarget;
        // Call through the stub: RPC methods are proxies, so Function.prototype.call would itself be sent as RPC.
        await stub[row.method]!(JSON.parse(row.payload));
        this.sql.exec("DELETE FROM _mailbox WHERE key = ?", row.key);
        report.delivered++;
      } catch (err) {
        const attempts = row.attempts + 1;
        const message = err instanceof Error ? err.message : String(err);
        report.lastError = `${row.binding}.${row.method}: ${message}`;
        if (attempts >= MAIL_MAX_ATTEMPTS) {
          this.deadLetter(row, attempts, message, now);
          report.deadLettered++;
          continue;
        }
        const nextAt = now + retryDelayMs(attempts, 500, 30_000);
        this.sql.exec("UPDATE _mailbox SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?", attempts, nextAt, message, row.key);
        // The messages behind it to the same receiver wait as long (keeps the alarm from spinning on them).
        this.sql.exec("UPDATE _mailbox SET next_at = ? WHERE binding = ? AND target = ? AND rowid > ? AND next_at < ?", nextAt, row.binding, row.target, row.seq, nextAt);
        held.add(receiver);
        report.failed++;
      }
    }
    return report;
  }

  private deadLetter(row: MailRow, attempts: number, error: string, now: number): void {
    this.dead.put({ kind: "mail", key: row.key, target: `${row.binding}:${row.target}`, method: row.method, payload: row.payload, attempts, error }, now);
    this.sql.exec("DELETE FROM _mailbox WHERE key = ?", row.key);
  }
}
