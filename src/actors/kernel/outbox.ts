import { upsertStatement, type HistoryRow, type HistoryTable } from "../../adapters/store/history-tables";
import { retryDelayMs } from "./backoff";

const BATCH_WINDOW_MS = 250;
const BATCH_SIZE = 100;

/**
 * History rows bound for D1, written in the same storage transaction as the state change they
 * describe, then drained in order by alarm. A D1 failure keeps the rows and retries with backoff:
 * history is delayed, never lost.
 */
export class Outbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly db: () => D1Database,
  ) {}

  put(table: HistoryTable, row: HistoryRow, now: number): void {
    const head = this.sql.exec<{ n: number | null }>("SELECT MAX(next_at) AS n FROM _outbox").one().n;
    const nextAt = head !== null && head > now + BATCH_WINDOW_MS ? head : now + BATCH_WINDOW_MS;
    this.sql.exec("INSERT INTO _outbox (tbl, row, next_at) VALUES (?, ?, ?)", table, JSON.stringify(row), nextAt);
  }

  pending(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox").one().n;
  }

  nextDue(): number | null {
    return this.sql.exec<{ n: number | null }>("SELECT MIN(next_at) AS n FROM _outbox").one().n;
  }

  /** Writes due rows in batches, oldest first; stops at the first failing batch so order is kept. */
  async drain(now: number): Promise<{ written: number; error: string | null }> {
    let written = 0;
    for (;;) {
      const rows = this.sql
        .exec<{ seq: number; tbl: string; row: string; attempts: number }>("SELECT seq, tbl, row, attempts FROM _outbox WHERE next_at <= ? ORDER BY seq LIMIT ?", now, BATCH_SIZE)
        .toArray();
      if (rows.length === 0) return { written, error: null };
      try {
        const db = this.db();
        await db.batch(rows.map((r) => upsertStatement(db, r.tbl as HistoryTable, JSON.parse(r.row) as HistoryRow)));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const attempts = (rows[0]?.attempts ?? 0) + 1;
        this.sql.exec("UPDATE _outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq >= ?", attempts, now + retryDelayMs(attempts), message, rows[0]!.seq);
        return { written, error: message };
      }
      const last = rows[rows.length - 1]!.seq;
      this.sql.exec("DELETE FROM _outbox WHERE seq <= ?", last);
      written += rows.length;
    }
  }
}
