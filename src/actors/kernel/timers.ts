import { retryDelayMs } from "./backoff";

/** Runs a failing timer gets before it is dead-lettered (about five minutes of backoff). */
export const TIMER_MAX_ATTEMPTS = 10;

export interface TimerRow {
  name: string;
  dueAt: number;
  payload: unknown;
  attempts: number;
}

/** An actor's timers: each name with the payload it carries (`null`: none). */
export type TimerPayloads = Record<string, unknown>;

/** The payload argument of a timer: none for a timer that carries `null`, optional for an untyped one. */
export type PayloadArg<T> = unknown extends T ? [payload?: T] : [T] extends [null] ? [] : [payload: T];

/**
 * Many named timers on the one alarm an actor has. Rows live in SQLite, so a timer that was due
 * while the actor was evicted runs when it wakes. Times are wall-clock ms (alarms are wall-clock).
 * Typed by the actor's `TimerPayloads`: a timer it has no handler for, or a wrong payload, fails `tsc`.
 */
export class Timers<P extends TimerPayloads = TimerPayloads> {
  constructor(private readonly sql: SqlStorage) {}

  /** Sets (or moves) timer `name`. */
  schedule<K extends keyof P & string>(name: K, dueAt: number, ...args: PayloadArg<P[K]>): void {
    this.put(name, dueAt, args[0] ?? null);
  }

  private put(name: string, dueAt: number, payload: unknown): void {
    this.sql.exec(
      "INSERT INTO _timers (name, due_at, payload, attempts) VALUES (?, ?, ?, 0) ON CONFLICT(name) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0",
      name,
      Math.floor(dueAt),
      JSON.stringify(payload),
    );
  }

  /** Sets timer `name` unless it is already due sooner. */
  scheduleBy<K extends keyof P & string>(name: K, dueAt: number, ...args: PayloadArg<P[K]>): void {
    const existing = this.get(name);
    if (existing && existing.dueAt <= dueAt) return;
    this.put(name, dueAt, args[0] ?? null);
  }

  cancel(name: keyof P & string): void {
    this.sql.exec("DELETE FROM _timers WHERE name = ?", name);
  }

  get(name: keyof P & string): TimerRow | null {
    const row = this.sql.exec<{ name: string; due_at: number; payload: string | null; attempts: number }>("SELECT * FROM _timers WHERE name = ?", name).toArray()[0];
    return row ? { name: row.name, dueAt: row.due_at, payload: row.payload === null ? null : JSON.parse(row.payload), attempts: row.attempts } : null;
  }

  due(now: number): TimerRow[] {
    return this.sql
      .exec<{ name: string; due_at: number; payload: string | null; attempts: number }>("SELECT * FROM _timers WHERE due_at <= ? ORDER BY due_at", now)
      .toArray()
      .map((r) => ({ name: r.name, dueAt: r.due_at, payload: r.payload === null ? null : JSON.parse(r.payload), attempts: r.attempts }));
  }

  /** Removes a timer that ran, unless its handler moved it (then the row has another due time). */
  done(row: TimerRow): void {
    this.sql.exec("DELETE FROM _timers WHERE name = ? AND due_at = ? AND attempts = ?", row.name, row.dueAt, row.attempts);
  }

  /**
   * Keeps a timer whose handler failed, to run again after a backoff; answers false when it has
   * failed too often and was removed (the caller dead-letters it).
   */
  retry(row: TimerRow, now: number): boolean {
    const attempts = row.attempts + 1;
    if (attempts >= TIMER_MAX_ATTEMPTS) {
      this.sql.exec("DELETE FROM _timers WHERE name = ? AND due_at = ?", row.name, row.dueAt);
      return false;
    }
    this.sql.exec("UPDATE _timers SET due_at = ?, attempts = ? WHERE name = ? AND due_at = ?", now + retryDelayMs(attempts), attempts, row.name, row.dueAt);
    return true;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _timers").one().n;
  }

  nextDue(): number | null {
    const row = this.sql.exec<{ d: number | null }>("SELECT MIN(due_at) AS d FROM _timers").one();
    return row.d;
  }
}
