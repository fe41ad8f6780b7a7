import type { ActorBinding, Env } from "../../env";
import { retryDelayMs } from "./backoff";

type RpcTarget = Record<string, (payload: unknown) => Promise<unknown>>;

/**
 * Durable messages to other actors: posted in the same storage transaction as the state change that
 * causes them, delivered by the alarm until the receiver acknowledges. The key makes a message
 * unique (posting it twice sends it once); receivers are idempotent, so delivery at least once
 * gives each effect exactly once.
 */
export class Mailbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
  ) {}

  post(key: string, binding: ActorBinding, target: string, method: string, payload: unknown, now: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO _mailbox (key, binding, target, method, payload, next_at) VALUES (?, ?, ?, ?, ?, ?)",
      key,
      binding,
      target,
      method,
      JSON.stringify(payload),
      now,
    );
  }

  pending(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _mailbox").one().n;
  }

  nextDue(): number | null {
    return this.sql.exec<{ n: number | null }>("SELECT MIN(next_at) AS n FROM _mailbox").one().n;
  }

  /** Delivers due messages in posting order; a failing receiver is retried later with backoff. */
  async deliver(now: number): Promise<{ delivered: number; failed: number; lastError: string | null }> {
    const rows = this.sql
      .exec<{ key: string; binding: ActorBinding; target: string; method: string; payload: string; attempts: number }>(
        "SELECT key, binding, target, method, payload, attempts FROM _mailbox WHERE next_at <= ? ORDER BY rowid",
        now,
      )
      .toArray();
    let delivered = 0;
    let failed = 0;
    let lastError: string | null = null;
    for (const row of rows) {
      try {
        const ns = this.env[row.binding] as unknown as DurableObjectNamespace;
        const stub = ns.getByName(row.target) as unknown as RpcTarget;
        // Call through the stub: RPC methods are proxies, so Function.prototype.call would itself be sent as RPC.
        await stub[row.method]!(JSON.parse(row.payload));
        this.sql.exec("DELETE FROM _mailbox WHERE key = ?", row.key);
        delivered++;
      } catch (err) {
        const attempts = row.attempts + 1;
        const message = err instanceof Error ? err.message : String(err);
        this.sql.exec("UPDATE _mailbox SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?", attempts, now + retryDelayMs(attempts, 500, 30_000), message, row.key);
        failed++;
        lastError = `${row.binding}.${row.method}: ${message}`;
      }
    }
    return { delivered, failed, lastError };
  }
}
