/** A stored backtest run (D1 `backtests`), JSON columns as text. */
export interface BacktestRow {
  id: string;
  created_at: number;
  status: "done" | "failed";
  spec_json: string;
  error: string | null;
  metrics_json: string | null;
  stats_json: string | null;
  trades_json: string | null;
  equity_json: string | null;
  equity_points: number | null;
  candles: number | null;
  duration_ms: number | null;
  llm_cost_usd: number | null;
  /** JSON array of notes on the run's inputs (null: none), for example symbols without funding history. */
  notes_json: string | null;
}

/** The columns a list shows: everything but the trades and the equity curve. */
export type BacktestSummaryRow = Omit<BacktestRow, "trades_json" | "equity_json" | "stats_json">;

const COLUMNS = [
  "id",
  "created_at",
  "status",
  "spec_json",
  "error",
  "metrics_json",
  "stats_json",
  "trades_json",
  "equity_json",
  "equity_points",
  "candles",
  "duration_ms",
  "llm_cost_usd",
  "notes_json",
] as const;

export async function insertBacktest(db: D1Database, row: BacktestRow): Promise<void> {
  await db
    .prepare(`INSERT INTO backtests (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`)
    .bind(...COLUMNS.map((c) => row[c]))
    .run();
}

/** Newest first; `cursor` is the id of the last row of the previous page (ids sort by creation time). */
export async function listBacktests(db: D1Database, q: { limit: number; cursor?: string | undefined }): Promise<BacktestSummaryRow[]> {
  const cursor = q.cursor ?? null;
  const r = await db
    .prepare(
      "SELECT id, created_at, status, spec_json, error, metrics_json, equity_points, candles, duration_ms, llm_cost_usd, notes_json FROM backtests WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(cursor, cursor, q.limit)
    .all<BacktestSummaryRow>();
  return r.results;
}

export async function getBacktest(db: D1Database, id: string): Promise<BacktestRow | null> {
  return db.prepare("SELECT * FROM backtests WHERE id = ?").bind(id).first<BacktestRow>();
}
