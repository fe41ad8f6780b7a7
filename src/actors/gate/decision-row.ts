import type { HistoryRow } from "../../adapters/store/history-tables";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { DecisionAttempt } from "../../lib/decide/decider";
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

/** The decisions row of a position review (the 5-signal evaluator: no model, no cost). */
export function reviewRow(id: string, portfolio: string, positionId: string, at: number, o: ReviewOutcome): HistoryRow {
  return {
    id,
    portfolio,
    at,
    kind: "review",
    position_id: positionId,
    trigger_layer: "review",
    trigger_reason: `re-evaluation of ${positionId}`,
    decider: o.source,
    status: "executed",
    decision_json: JSON.stringify({ action: o.action, confidence: o.confidence, reasoning: o.reason, risk: o.risk }),
    error: null,
    completed_at: at,
    prompt_version: null,
    model: null,
    raw_response: null,
    input_tokens: null,
    output_tokens: null,
    cache_write_tokens: null,
    cache_read_tokens: null,
    cost_usd: 0,
    latency_ms: null,
  };
}

/** Every strategy signal (PASS included) and each ticker's agent vote of a decision: `signals` and `agent_votes` rows. */
export function voteRows(portfolio: string, decisionId: string, attempt: DecisionAttempt, at: number): { signals: HistoryRow[]; votes: HistoryRow[] } {
  const signals: HistoryRow[] = [];
  const votes: HistoryRow[] = [];
  for (const v of attempt.votes ?? []) {
    for (const sig of v.signals) {
      signals.push({
        id: `${decisionId}:${sig.strategy}:${sig.symbol}`,
        portfolio,
        decision_id: decisionId,
        strategy: sig.strategy,
        symbol: sig.symbol,
        action: sig.action,
        confidence: sig.confidence,
        reason: sig.reason,
        metadata_json: JSON.stringify(sig.metadata),
        at: sig.at,
      });
    }
    votes.push({
      id: `${decisionId}:${v.symbol}`,
      portfolio,
      decision_id: decisionId,
      symbol: v.symbol,
      regime: v.regime?.learnerKey ?? null,
      weights_source: v.weights.source,
      weights_json: JSON.stringify(v.weights.weights),
      scores_json: JSON.stringify(v.scores),
      score: v.result.score,
      action: v.result.action,
      reason: v.result.reason,
      at,
    });
  }
  return { signals, votes };
}
