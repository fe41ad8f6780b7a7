/** D1 history tables that actors write through their outbox: columns, and the key (one column or several) rows are upserted by. */
export const HISTORY_TABLES = {
  orders: {
    key: "id",
    columns: [
      "id",
      "portfolio",
      "position_id",
      "symbol",
      "side",
      "purpose",
      "status",
      "quote_qty",
      "qty",
      "fill_price",
      "filled_qty",
      "fee",
      "reason",
      "reject_reason",
      "created_at",
      "submitted_at",
      "filled_at",
      "type",
      "stop_price",
      "limit_price",
      "exchange_order_id",
      "fills_json",
    ],
  },
  positions: {
    key: "id",
    columns: [
      "id",
      "portfolio",
      "symbol",
      "decision_id",
      "agent",
      "status",
      "entry_reason",
      "requested_notional",
      "qty",
      "entry_price",
      "entry_fee",
      "opened_at",
      "last_price",
      "exit_kind",
      "exit_reason",
      "exit_price",
      "exit_fee",
      "closed_at",
      "pnl",
      "created_at",
      "side",
      "venue",
      "leverage",
      "funding",
      "liquidation_price",
    ],
  },
  trades: {
    key: "id",
    columns: [
      "id",
      "portfolio",
      "symbol",
      "agent",
      "decision_id",
      "side",
      "qty",
      "entry_price",
      "exit_price",
      "entry_at",
      "exit_at",
      "fees",
      "pnl",
      "pnl_pct",
      "exit_kind",
      "exit_reason",
      "entry_reason",
      "funding",
    ],
  },
  gate_events: {
    key: "id",
    columns: ["id", "portfolio", "at", "layer", "opened", "suppressed", "reason", "decision_id"],
  },
  decisions: {
    key: "id",
    columns: [
      "id",
      "portfolio",
      "at",
      "kind",
      "position_id",
      "trigger_layer",
      "trigger_reason",
      "decider",
      "status",
      "snapshot_hash",
      "snapshot_json",
      "decision_json",
      "outcome_json",
      "error",
      "completed_at",
      "prompt_version",
      "model",
      "raw_response",
      "clamps_json",
      "input_tokens",
      "output_tokens",
      "cache_write_tokens",
      "cache_read_tokens",
      "cost_usd",
      "latency_ms",
    ],
  },
  signals: {
    key: "id",
    columns: ["id", "portfolio", "decision_id", "strategy", "symbol", "action", "confidence", "reason", "metadata_json", "at"],
  },
  agent_votes: {
    key: "id",
    columns: ["id", "portfolio", "decision_id", "symbol", "regime", "weights_source", "weights_json", "scores_json", "score", "action", "reason", "at"],
  },
  equity_snapshots: {
    key: "id",
    columns: ["id", "portfolio", "at", "cash", "equity", "exposure", "realized_pnl", "fees_paid", "open_positions", "trading_state"],
  },
  candles: {
    key: ["symbol", "timeframe", "t"],
    columns: ["symbol", "timeframe", "t", "o", "h", "l", "c", "v"],
  },
  funding_rates: {
    key: ["symbol", "t"],
    columns: ["symbol", "t", "rate"],
  },
  derivatives_history: {
    key: ["symbol", "kind", "t", "value"],
    columns: ["symbol", "kind", "t", "value", "side", "price", "synthetic"],
  },
  operator_actions: {
    key: "id",
    columns: ["id", "portfolio", "at", "action", "by", "reason", "detail_json"],
  },
  episodes: {
    key: "id",
    columns: [
      "id",
      "portfolio",
      "symbol",
      "agent",
      "decision_id",
      "opened_at",
      "closed_at",
      "regime_key",
      "trend",
      "features_json",
      "signals_json",
      "reasoning",
      "pnl_pct",
      "exit_kind",
      "held_hours",
      "reflection",
      "reflection_source",
    ],
  },
  portfolios: {
    key: "name",
    columns: ["name", "venue", "symbols_json", "initial_cash", "created_at", "started_at"],
  },
} as const satisfies Record<string, { key: string | readonly string[]; columns: readonly string[] }>;

export type HistoryTable = keyof typeof HISTORY_TABLES;
export type HistoryRow = Record<string, string | number | null>;

/** An idempotent upsert: replaying the same row twice leaves one row with the latest values. */
export function upsertStatement(db: D1Database, table: HistoryTable, row: HistoryRow): D1PreparedStatement {
  const def = HISTORY_TABLES[table];
  const cols = def.columns as readonly string[];
  const keys: readonly string[] = typeof def.key === "string" ? [def.key] : def.key;
  for (const k of Object.keys(row)) {
    if (!cols.includes(k)) throw new Error(`history row for ${table} has unknown column ${k}`);
  }
  for (const k of keys) if (row[k] === undefined || row[k] === null) throw new Error(`history row for ${table} has no ${k}`);
  const present = cols.filter((c) => row[c] !== undefined);
  const updates = present.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  const conflict = keys.join(", ");
  const sql =
    `INSERT INTO ${table} (${present.join(", ")}) VALUES (${present.map(() => "?").join(", ")})` +
    (updates.length ? ` ON CONFLICT(${conflict}) DO UPDATE SET ${updates.join(", ")}` : ` ON CONFLICT(${conflict}) DO NOTHING`);
  return db.prepare(sql).bind(...present.map((c) => row[c] ?? null));
}
