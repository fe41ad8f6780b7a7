import { EpisodeSchema, type Episode } from "../../lib/memory/episode-schema";
import type { HistoryRow } from "./history-tables";

/**
 * D1 `episodes` (migrations/0010_episodes.sql): one row per position that opened, written by the
 * PositionActor's outbox when the entry fills and upserted when it closes (same id: one row).
 */
export function episodeRow(e: Episode): HistoryRow {
  return {
    id: e.id,
    portfolio: e.portfolio,
    symbol: e.symbol,
    agent: e.agent,
    decision_id: e.decisionId,
    opened_at: e.openedAt,
    closed_at: e.closedAt,
    regime_key: e.regimeKey,
    trend: e.trend,
    features_json: JSON.stringify(e.features),
    signals_json: JSON.stringify(e.signals),
    reasoning: e.reasoning,
    pnl_pct: e.outcome?.pnlPct ?? null,
    exit_kind: e.outcome?.exitKind ?? null,
    held_hours: e.outcome?.heldHours ?? null,
    reflection: e.reflection,
    reflection_source: e.reflectionSource,
  };
}

type Row = Record<string, unknown>;

function json(text: unknown): unknown {
  if (typeof text !== "string") return {};
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A row as an Episode; null for a row that is not one (it is skipped, never thrown on). */
export function episodeFromRow(r: Row): Episode | null {
  const closed = r.closed_at !== null && r.closed_at !== undefined;
  const parsed = EpisodeSchema.safeParse({
    id: r.id,
    portfolio: r.portfolio,
    symbol: r.symbol,
    agent: r.agent,
    decisionId: r.decision_id,
    openedAt: r.opened_at,
    closedAt: closed ? r.closed_at : null,
    regimeKey: r.regime_key ?? null,
    trend: r.trend ?? null,
    features: json(r.features_json),
    signals: json(r.signals_json),
    reasoning: r.reasoning ?? "",
    outcome: closed ? { pnlPct: r.pnl_pct, exitKind: r.exit_kind, heldHours: r.held_hours } : null,
    reflection: r.reflection ?? null,
    reflectionSource: r.reflection_source ?? null,
  });
  return parsed.success ? parsed.data : null;
}

function episodesOf(rows: Row[]): Episode[] {
  return rows.map(episodeFromRow).filter((e): e is Episode => e !== null);
}

export interface EpisodeListQuery {
  portfolio: string;
  limit: number;
  /** Only episodes opened before this (keyset paging on `opened_at`). */
  before?: number | undefined;
  symbol?: string | undefined;
  status: "open" | "closed" | "all";
}

/** Episodes for GET /api/episodes, newest entry first. */
export async function listEpisodes(db: D1Database, q: EpisodeListQuery): Promise<Episode[]> {
  const status = q.status === "open" ? "AND closed_at IS NULL" : q.status === "closed" ? "AND closed_at IS NOT NULL" : "";
  const { results } = await db
    .prepare(`SELECT * FROM episodes WHERE portfolio = ? ${status} AND (? IS NULL OR symbol = ?) AND (? IS NULL OR opened_at < ?) ORDER BY opened_at DESC, id DESC LIMIT ?`)
    .bind(q.portfolio, q.symbol ?? null, q.symbol ?? null, q.before ?? null, q.before ?? null, q.limit)
    .all<Row>();
  return episodesOf(results);
}
