import type { CandleData } from "../../lib/backtest/spec";
import { countedUpsert } from "./counted-upsert";
import type { Candle } from "../../lib/market/candle";
import type { Timeframe } from "../../lib/market/timeframe";

/** A candle as the API carries it: [open time ms, open, high, low, close, volume]. */
export type CandleTuple = [t: number, o: number, h: number, l: number, c: number, v: number];

/** Rows per INSERT: 8 bound values each stays under D1's 100 bound parameters per statement. */
const ROWS_PER_INSERT = 12;
const COLUMNS = "(symbol, timeframe, t, o, h, l, c, v)";
const UPSERT_TAIL = " ON CONFLICT(symbol, timeframe, t) DO UPDATE SET o = excluded.o, h = excluded.h, l = excluded.l, c = excluded.c, v = excluded.v";

/**
 * Upserts candles of one symbol and timeframe (ascending, unique t) in one D1 transaction, counting
 * those in [first t, last t] before and after to tell how many were new.
 */
export async function upsertCandles(db: D1Database, symbol: string, tf: Timeframe, rows: readonly CandleTuple[]): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const count = () => db.prepare("SELECT COUNT(*) AS n FROM candles WHERE symbol = ? AND timeframe = ? AND t >= ? AND t <= ?").bind(symbol, tf, rows[0]![0], rows[rows.length - 1]![0]);
  const upserts: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const values = chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
    upserts.push(db.prepare(`INSERT INTO candles ${COLUMNS} VALUES ${values}${UPSERT_TAIL}`).bind(...chunk.flatMap((r) => [symbol, tf, ...r])));
  }
  return countedUpsert(db, count, upserts, rows.length);
}

/**
 * Stored candles of one symbol and timeframe, oldest first: from `from` on (at most `limit`) when
 * `from` is given, else the newest `limit` before `to`.
 */
export async function listCandles(db: D1Database, q: { symbol: string; tf: Timeframe; from?: number | undefined; to?: number | undefined; limit: number }): Promise<CandleTuple[]> {
  const to = q.to ?? null;
  const stmt =
    q.from !== undefined
      ? db.prepare("SELECT t, o, h, l, c, v FROM candles WHERE symbol = ? AND timeframe = ? AND t >= ? AND (? IS NULL OR t < ?) ORDER BY t ASC LIMIT ?").bind(q.symbol, q.tf, q.from, to, to, q.limit)
      : db
          .prepare("SELECT t, o, h, l, c, v FROM (SELECT * FROM candles WHERE symbol = ? AND timeframe = ? AND (? IS NULL OR t < ?) ORDER BY t DESC LIMIT ?) ORDER BY t ASC")
          .bind(q.symbol, q.tf, to, to, q.limit);
  return stmt.raw<CandleTuple>();
}

/** Candles per symbol of `tf` with open time in [from, to): what a backtest would replay. */
export async function countCandles(db: D1Database, symbols: readonly string[], tf: Timeframe, from: number, to: number): Promise<Record<string, number>> {
  const rows = await db
    .prepare(`SELECT symbol, COUNT(*) AS n FROM candles WHERE timeframe = ? AND t >= ? AND t < ? AND symbol IN (${symbols.map(() => "?").join(", ")}) GROUP BY symbol`)
    .bind(tf, from, to, ...symbols)
    .all<{ symbol: string; n: number }>();
  const out: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, 0]));
  for (const r of rows.results) out[r.symbol] = r.n;
  return out;
}

/**
 * A run's candles read from D1 in one batch: per symbol, `tf` inside [from, to), and for each warm-up
 * timeframe the newest `warmup` candles before `from`. Served as `CandleData`, ascending per series.
 */
export async function loadCandleData(
  db: D1Database,
  q: { symbols: readonly string[]; tf: Timeframe; from: number; to: number; warmupTimeframes: readonly Timeframe[]; warmup: number },
): Promise<CandleData> {
  const reads: { key: string; stmt: D1PreparedStatement; newestFirst: boolean }[] = [];
  for (const symbol of q.symbols) {
    for (const wtf of q.warmupTimeframes) {
      reads.push({
        key: `${symbol} ${wtf}`,
        stmt: db.prepare("SELECT t, o, h, l, c, v FROM candles WHERE symbol = ? AND timeframe = ? AND t < ? ORDER BY t DESC LIMIT ?").bind(symbol, wtf, q.from, q.warmup),
        newestFirst: true,
      });
    }
    reads.push({
      key: `${symbol} ${q.tf}`,
      stmt: db.prepare("SELECT t, o, h, l, c, v FROM candles WHERE symbol = ? AND timeframe = ? AND t >= ? AND t < ? ORDER BY t ASC").bind(symbol, q.tf, q.from, q.to),
      newestFirst: false,
    });
  }
  const results = await db.batch<Record<string, number>>(reads.map((r) => r.stmt));
  const series = new Map<string, Candle[]>();
  reads.forEach((r, i) => {
    const rows = results[i]!.results.map((x) => ({ t: x.t!, o: x.o!, h: x.h!, l: x.l!, c: x.c!, v: x.v! }));
    if (r.newestFirst) rows.reverse();
    // The run's timeframe may also be a warm-up timeframe (1d, 4h): history first, then the range.
    series.set(r.key, [...(series.get(r.key) ?? []), ...rows]);
  });
  return { candles: (symbol, tf) => series.get(`${symbol} ${tf}`) ?? [] };
}
