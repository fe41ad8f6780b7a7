import type { StampedRate } from "../../lib/backtest/types";
import { countedUpsert } from "./counted-upsert";

/** A funding settlement as the API carries it: [settlement time ms, rate per interval]. */
export type FundingTuple = [t: number, rate: number];

/** Rows per INSERT: 3 bound values each stays under D1's 100 bound parameters per statement. */
const ROWS_PER_INSERT = 33;

/**
 * Upserts funding settlements of one symbol (ascending, unique t) in one D1 transaction, counting
 * those in [first t, last t] before and after to tell how many were new.
 */
export async function upsertFunding(db: D1Database, symbol: string, rows: readonly FundingTuple[]): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const count = () => db.prepare("SELECT COUNT(*) AS n FROM funding_rates WHERE symbol = ? AND t >= ? AND t <= ?").bind(symbol, rows[0]![0], rows[rows.length - 1]![0]);
  const upserts: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const values = chunk.map(() => "(?, ?, ?)").join(", ");
    upserts.push(db.prepare(`INSERT INTO funding_rates (symbol, t, rate) VALUES ${values} ON CONFLICT(symbol, t) DO UPDATE SET rate = excluded.rate`).bind(...chunk.flatMap((r) => [symbol, ...r])));
  }
  return countedUpsert(db, count, upserts, rows.length);
}

/**
 * Stored settlements of one symbol, oldest first: from `from` on (at most `limit`) when `from` is
 * given, else the newest `limit` before `to`.
 */
export async function listFunding(db: D1Database, q: { symbol: string; from?: number | undefined; to?: number | undefined; limit: number }): Promise<FundingTuple[]> {
  const to = q.to ?? null;
  const stmt =
    q.from !== undefined
      ? db.prepare("SELECT t, rate FROM funding_rates WHERE symbol = ? AND t >= ? AND (? IS NULL OR t < ?) ORDER BY t ASC LIMIT ?").bind(q.symbol, q.from, to, to, q.limit)
      : db.prepare("SELECT t, rate FROM (SELECT t, rate FROM funding_rates WHERE symbol = ? AND (? IS NULL OR t < ?) ORDER BY t DESC LIMIT ?) ORDER BY t ASC").bind(q.symbol, to, to, q.limit);
  return stmt.raw<FundingTuple>();
}

/**
 * A run's funding read in one batch: per symbol, the `lookback` newest settlements before `from` and
 * every one in [from, to] (a decision at `to` reads settlements at or before it). The engine never
 * reads more than `lookback` settlements back from its clock, so this is all a run can see.
 */
export async function loadFundingData(db: D1Database, q: { symbols: readonly string[]; from: number; to: number; lookback: number }): Promise<Record<string, StampedRate[]>> {
  const statements = q.symbols.flatMap((symbol) => [
    db.prepare("SELECT t, rate FROM funding_rates WHERE symbol = ? AND t < ? ORDER BY t DESC LIMIT ?").bind(symbol, q.from, q.lookback),
    db.prepare("SELECT t, rate FROM funding_rates WHERE symbol = ? AND t >= ? AND t <= ? ORDER BY t ASC").bind(symbol, q.from, q.to),
  ]);
  if (statements.length === 0) return {};
  const results = await db.batch<{ t: number; rate: number }>(statements);
  const out: Record<string, StampedRate[]> = {};
  q.symbols.forEach((symbol, i) => {
    const before = results[2 * i]!.results.map((r) => ({ at: r.t, value: r.rate })).reverse();
    const inRange = results[2 * i + 1]!.results.map((r) => ({ at: r.t, value: r.rate }));
    out[symbol] = [...before, ...inRange];
  });
  return out;
}
