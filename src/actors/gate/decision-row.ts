import type { HistoryRow } from "../../adapters/store/history-tables";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { DecisionAttempt } from "./run-decider";
import type { ReviewOutcome } from "./review-position";

export interface DecisionOutcomeRow {
  ticker: string;
  action: string;
  accepted: boolean;
  detail: string;
  positionId?: string;
}

const json = (x: unknown) => (x === null || x === undefined ? null : JSON.stringify(x));

/** The decisions row of a decision, at any stage: decided, executed or failed. */
export function decisionRow(
  r: { id: string; portfolio: string; at: number; layer: string; reason: string; status: string; completedAt: number | null },
  snapshot: MarketSnapshot | null,
  hash: string | null,
  attempt: DecisionAttempt | null,
  outcomes: DecisionOutcomeRow[] | null,
  error: string | null,
): HistoryRow {
  return {
    id: r.id,
    portfolio: r.portfolio,
    at: r.at,
    kind: "decision",
    trigger_layer: r.layer,
    trigger_reason: r.reason,
    decider: attempt?.decider ?? "none",
    status: r.status,
    snapshot_hash: hash,
    snapshot_json: json(snapshot),
    decision_json: json(attempt?.decision),
    outcome_json: json(outcomes),
    error: error ?? attempt?.failure ?? null,
    completed_at: r.completedAt,
    prompt_version: attempt?.promptVersion ?? null,
    model: attempt?.model ?? null,
    raw_response: json(attempt?.raw)?.slice(0, 100_000) ?? null,
    clamps_json: json(attempt ? [...(attempt.note ? [`note: ${attempt.note}`] : []), ...attempt.clamps] : null),
    input_tokens: attempt?.usage?.input_tokens ?? null,
    output_tokens: attempt?.usage?.output_tokens ?? null,
    cache_write_tokens: attempt?.usage?.cache_creation_input_tokens ?? null,
    cache_read_tokens: attempt?.usage?.cache_read_input_tokens ?? null,
    cost_usd: attempt ? attempt.costUsd : null,
    latency_ms: attempt?.latencyMs ?? null,
  };
}

/** The decisions row of a position review. */
export function reviewRow(id: string, portfolio: string, positionId: string, at: number, o: ReviewOutcome, promptVersion: string): HistoryRow {
  const claude = o.source.startsWith("claude:");
  return {
    id,
    portfolio,
    at,
    kind: "review",
    position_id: positionId,
    trigger_layer: "review",
    trigger_reason: `re-evaluation of ${positionId}`,
    decider: o.source,
    status: o.failure ? "fell_back" : "executed",
    decision_json: JSON.stringify({ action: o.action, confidence: o.confidence, reasoning: o.reason }),
    error: o.failure,
    completed_at: at,
    prompt_version: claude || o.raw ? promptVersion : null,
    model: claude ? o.source.slice("claude:".length) : null,
    raw_response: json(o.raw)?.slice(0, 100_000) ?? null,
    input_tokens: o.usage?.input_tokens ?? null,
    output_tokens: o.usage?.output_tokens ?? null,
    cache_write_tokens: o.usage?.cache_creation_input_tokens ?? null,
    cache_read_tokens: o.usage?.cache_read_input_tokens ?? null,
    cost_usd: o.costUsd,
    latency_ms: o.latencyMs,
  };
}
