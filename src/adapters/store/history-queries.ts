/** Read queries over the D1 history, newest first, with keyset pagination on time. */
export interface PageQuery {
  portfolio: string;
  limit: number;
  before?: number | undefined;
}

type Row = Record<string, unknown>;

async function all(db: D1Database, sql: string, ...binds: unknown[]): Promise<Row[]> {
  return (
    await db
      .prepare(sql)
      .bind(...binds)
      .all<Row>()
  ).results;
}

export function listTrades(db: D1Database, q: PageQuery & { symbol?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM trades WHERE portfolio = ? AND (? IS NULL OR symbol = ?) AND (? IS NULL OR exit_at < ?) ORDER BY exit_at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.symbol ?? null,
    q.symbol ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export function listPositions(db: D1Database, q: PageQuery & { status?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM positions WHERE portfolio = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR created_at < ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.status ?? null,
    q.status ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export function listOrders(db: D1Database, q: PageQuery & { positionId?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM orders WHERE portfolio = ? AND (? IS NULL OR position_id = ?) AND (? IS NULL OR created_at < ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.positionId ?? null,
    q.positionId ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export function listGateEvents(db: D1Database, q: PageQuery & { openedOnly?: boolean }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM gate_events WHERE portfolio = ? AND (? = 0 OR opened = 1) AND (? IS NULL OR at < ?) ORDER BY at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.openedOnly ? 1 : 0,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export function listDecisions(db: D1Database, q: PageQuery & { kind?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT id, portfolio, at, kind, position_id, trigger_layer, trigger_reason, decider, status, snapshot_hash, decision_json, outcome_json, clamps_json,
            error, completed_at, prompt_version, model, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, latency_ms
     FROM decisions WHERE portfolio = ? AND (? IS NULL OR kind = ?) AND (? IS NULL OR at < ?) ORDER BY at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.kind ?? null,
    q.kind ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export async function getDecision(db: D1Database, portfolio: string, id: string): Promise<Row | null> {
  return db.prepare("SELECT * FROM decisions WHERE portfolio = ? AND id = ?").bind(portfolio, id).first<Row>();
}

export function listEquity(db: D1Database, q: { portfolio: string; from?: number | undefined; to?: number | undefined; limit: number }): Promise<Row[]> {
  return all(
    db,
    `SELECT at, cash, equity, exposure, realized_pnl, fees_paid, open_positions, trading_state FROM (
       SELECT * FROM equity_snapshots WHERE portfolio = ? AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) ORDER BY at DESC LIMIT ?
     ) ORDER BY at ASC`,
    q.portfolio,
    q.from ?? null,
    q.from ?? null,
    q.to ?? null,
    q.to ?? null,
    q.limit,
  );
}

export function listSignals(db: D1Database, q: PageQuery & { symbol?: string | undefined; strategy?: string | undefined; action?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM signals WHERE portfolio = ? AND (? IS NULL OR symbol = ?) AND (? IS NULL OR strategy = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR at < ?)
     ORDER BY at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.symbol ?? null,
    q.symbol ?? null,
    q.strategy ?? null,
    q.strategy ?? null,
    q.action ?? null,
    q.action ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}

export function listAgentVotes(db: D1Database, q: PageQuery & { symbol?: string | undefined; decisionId?: string | undefined }): Promise<Row[]> {
  return all(
    db,
    `SELECT * FROM agent_votes WHERE portfolio = ? AND (? IS NULL OR symbol = ?) AND (? IS NULL OR decision_id = ?) AND (? IS NULL OR at < ?)
     ORDER BY at DESC, id DESC LIMIT ?`,
    q.portfolio,
    q.symbol ?? null,
    q.symbol ?? null,
    q.decisionId ?? null,
    q.decisionId ?? null,
    q.before ?? null,
    q.before ?? null,
    q.limit,
  );
}
