/** D1 `portfolios` (one row per portfolio started here, written by its AccountActor) and the figures compared across them. */
export interface PortfolioRow {
  name: string;
  venue: string;
  symbols_json: string;
  initial_cash: number | null;
  created_at: number | null;
  started_at: number;
}

/** Every portfolio started on this deployment, by name. */
export async function listPortfolios(db: D1Database): Promise<PortfolioRow[]> {
  return (await db.prepare("SELECT name, venue, symbols_json, initial_cash, created_at, started_at FROM portfolios ORDER BY name").all<PortfolioRow>()).results;
}

export async function portfolioStarted(db: D1Database, name: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS one FROM portfolios WHERE name = ?").bind(name).first<{ one: number }>()) !== null;
}

/**
 * A portfolio's equity curve in two numbers: its first recorded equity (the base of its return when the book's
 * initial cash is not recorded) and its maximum drawdown (the largest fall from a running peak, as a share of it).
 */
export async function equityFigures(db: D1Database, portfolio: string): Promise<{ snapshots: number; firstEquity: number | null; maxDrawdown: number | null }> {
  const r = await db
    .prepare(
      `SELECT COUNT(*) AS n, MAX(CASE WHEN peak > 0 THEN 1.0 - equity / peak ELSE 0 END) AS max_dd,
              (SELECT equity FROM equity_snapshots WHERE portfolio = ? ORDER BY at ASC LIMIT 1) AS first_equity
         FROM (SELECT equity, MAX(equity) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS peak FROM equity_snapshots WHERE portfolio = ?)`,
    )
    .bind(portfolio, portfolio)
    .first<{ n: number; max_dd: number | null; first_equity: number | null }>();
  return { snapshots: r?.n ?? 0, firstEquity: r?.first_equity ?? null, maxDrawdown: r && r.n > 0 ? Math.max(0, r.max_dd ?? 0) : null };
}
