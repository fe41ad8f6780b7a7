/**
 * What a dead letter was: mail that was never acknowledged, a timer that kept failing, a history row D1 refused,
 * a notification its receiver refused or never took (NotifierActor).
 */
export type DeadLetterKind = "mail" | "timer" | "history" | "notification";

export type DeadLetter = {
  kind: DeadLetterKind;
  key: string;
  target: string;
  method: string;
  /** The message, timer payload or history row, as stored (JSON text). */
  payload: string;
  attempts: number;
  error: string;
};

export type DeadLetterRow = DeadLetter & { seq: number; at: number };

/**
 * Work that exhausted its retries, kept in the actor's own storage: nothing is dropped silently.
 * `/api/status` counts them and every new one raises an alert; an operator reads them there.
 */
export class DeadLetters {
  private readonly listeners: ((d: DeadLetter) => void)[] = [];

  constructor(private readonly sql: SqlStorage) {}

  /** Called after each new dead letter (the actor raises the alert). */
  onPut(listener: (d: DeadLetter) => void): void {
    this.listeners.push(listener);
  }

  put(d: DeadLetter, now: number): void {
    this.sql.exec(
      "INSERT INTO _dead_letters (kind, key, target, method, payload, attempts, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      d.kind,
      d.key,
      d.target,
      d.method,
      d.payload,
      d.attempts,
      d.error.slice(0, 500),
      now,
    );
    for (const l of this.listeners) l(d);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _dead_letters").one().n;
  }

  list(limit = 20): DeadLetterRow[] {
    return this.sql.exec<DeadLetterRow>("SELECT seq, kind, key, target, method, payload, attempts, error, at FROM _dead_letters ORDER BY seq DESC LIMIT ?", limit).toArray();
  }
}
