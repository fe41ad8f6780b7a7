import { upsertStatement, type HistoryRow, type HistoryTable } from "../../adapters/store/history-tables";
import { retryDelayMs } from "./backoff";
import type { DeadLetters } from "./dead-letters";

const BATCH_WINDOW_MS = 250;
const BATCH_SIZE = 100;
/** Times a row D1 refuses on its own (while D1 answers) before it is dead-lettered. */
export const HISTORY_MAX_REFUSALS = 3;

type OutboxRow = {
  seq: number;
  tbl: string;
  row: string;
  attempts: number;
  refusals: number;
};

/**
 * History rows bound for D1, written in the same storage transaction as the state change they
 * describe, then drained in order by alarm. A D1 failure keeps the rows and retries with backoff:
 * history is delayed, never lost. A row D1 refuses for what it holds (a constraint, a type: a poison
 * row) is tried alone a few times, then dead-lettered so it stops blocking the rows behind it.
 */
export class Outbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly db: () => D1Database,
    private readonly dead: DeadLetters,
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
      const rows = this.sql.exec<OutboxRow>("SELECT seq, tbl, row, attempts, refusals FROM _outbox WHERE next_at <= ? ORDER BY seq LIMIT ?", now, BATCH_SIZE).toArray();
      if (rows.length === 0) return { written, error: null };
      const db = this.db();
      try {
        await db.batch(rows.map((r) => statement(db, r)));
      } catch (err) {
        const message = errorText(err);
        const single = await this.writeOneByOne(db, rows, now);
        written += single.written;
        if (single.stalled) {
          const attempts = (rows[0]?.attempts ?? 0) + 1;
          this.sql.exec("UPDATE _outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq >= ?", now + retryDelayMs(attempts), message, rows[0]!.seq);
          return { written, error: message };
        }
        continue;
      }
      this.sql.exec("DELETE FROM _outbox WHERE seq <= ?", rows[rows.length - 1]!.seq);
      written += rows.length;
    }
  }

  /**
   * After a failed batch: writes the rows alone, in order. A row refused while D1 still answers is a
   * poison candidate; at its third refusal it is dead-lettered. Stalls (D1 unreachable) at the first
   * row that fails while D1 does not answer either.
   */
  private async writeOneByOne(db: D1Database, rows: OutboxRow[], now: number): Promise<{ written: number; stalled: boolean }> {
    let written = 0;
    for (const r of rows) {
      try {
        await statement(db, r).run();
        this.sql.exec("DELETE FROM _outbox WHERE seq = ?", r.seq);
        written++;
      } catch (err) {
        // Only a refusal of the row itself (a constraint, a type) makes it a poison candidate; a missing
        // table or an unreachable D1 is an outage that every row waits out.
        if (!isDataError(err) || !(await reachable(db))) return { written, stalled: true };
        const refusals = r.refusals + 1;
        if (refusals >= HISTORY_MAX_REFUSALS) {
          this.dead.put({ kind: "history", key: String(r.seq), target: `D1:${r.tbl}`, method: "upsert", payload: r.row, attempts: r.attempts + 1, error: errorText(err) }, now);
          this.sql.exec("DELETE FROM _outbox WHERE seq = ?", r.seq);
          continue;
        }
        this.sql.exec("UPDATE _outbox SET refusals = ? WHERE seq = ?", refusals, r.seq);
        return { written, stalled: true };
      }
    }
    return { written, stalled: false };
  }
}

function statement(db: D1Database, r: OutboxRow): D1PreparedStatement {
  return upsertStatement(db, r.tbl as HistoryTable, JSON.parse(r.row) as HistoryRow);
}

async function reachable(db: D1Database): Promise<boolean> {
  try {
    await db.prepare("SELECT 1").first();
    return true;
  } catch {
    return false;
  }
}

function isDataError(err: unknown): boolean {
  return /constraint failed|datatype mismatch|too big|SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/i.test(errorText(err));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
