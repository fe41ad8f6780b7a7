import type { BacktestDecision, BacktestResult } from "./types";

const DAY = 86_400_000;
/** How long the API keeps a cached prompt prefix (the default "ephemeral" cache) after its last use. */
export const CACHE_TTL_MS = 5 * 60_000;
/** A material move counts as decided when a decision opened at or after it, within this much replay time. */
export const DECIDED_WITHIN_MS = 15 * 60_000;

export interface Cadence {
  days: number;
  decisions: number;
  /** Decisions per layer that opened them (candle_close, material, review, timer, wake_condition, …). */
  decisionsByLayer: Record<string, number>;
  llmCalls: number;
  llmCallsPerDay: number;
  /** Decisions the governor's rules kept from the model (the day's budget, call cap or review share): the rules decided. */
  llmRefused: number;
  /** Model calls of decisions woken to review positions at risk. */
  reviewCalls: number;
  /** Input tokens read from the prompt cache, of every input token sent (uncached, cache writes and cache reads). */
  cacheReadShare: number | null;
  /**
   * The same share had the cached prefix expired `CACHE_TTL_MS` (5 minutes) of replay time after each call, as the
   * API's cache does in real time: a call reads it only when the previous call came within that time.
   */
  cacheReadShareWithExpiry: number | null;
  costUsd: number;
  costPerDayUsd: number;
  materialMoves: number;
  materialMovesByKind: Record<string, number>;
  /** Return shocks the last decision had already seen (within shockSigma σ of its price): not moves to decide again. */
  shocksAlreadyDecided: number;
  materialMovesDecidedWithin15m: number;
  /** The moves no decision covered in time, for a look (at most 20). */
  undecidedMoves: { symbol: string; kind: string; at: string }[];
}

/** Index of the first decision at or after `t` (decisions ascending by time). */
function firstAtOrAfter(decisions: readonly BacktestDecision[], t: number): number {
  let lo = 0;
  let hi = decisions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (decisions[mid]!.at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How often the run asked a model and why, what it cost, and whether every material move was decided in time. */
export function cadenceOf(result: Pick<BacktestResult, "decisions" | "materialMoves" | "llmCostUsd" | "stats">): Cadence {
  const days = Math.max(1e-9, (result.stats.to - result.stats.from) / DAY);
  const decisionsByLayer: Record<string, number> = {};
  let llmCalls = 0;
  let llmRefused = 0;
  let reviewCalls = 0;
  let read = 0;
  let sent = 0;
  let readExpiring = 0;
  let lastCallAt: number | null = null;
  for (const d of result.decisions) {
    decisionsByLayer[d.layer] = (decisionsByLayer[d.layer] ?? 0) + 1;
    if (d.note) llmRefused++;
    if (!d.llmCalled) continue;
    llmCalls++;
    if (d.layer === "review") reviewCalls++;
    const u = d.usage;
    if (u) {
      const prefix = (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
      read += u.cache_read_input_tokens ?? 0;
      if (lastCallAt !== null && d.at - lastCallAt <= CACHE_TTL_MS) readExpiring += prefix;
      sent += (u.input_tokens ?? 0) + prefix;
    }
    lastCallAt = d.at;
  }
  const decided = result.decisions;
  let within = 0;
  const undecided: Cadence["undecidedMoves"] = [];
  const materialMovesByKind: Record<string, number> = {};
  for (const m of result.materialMoves) {
    materialMovesByKind[m.kind] = (materialMovesByKind[m.kind] ?? 0) + 1;
    const i = firstAtOrAfter(decided, m.at);
    if (i < decided.length && decided[i]!.at - m.at <= DECIDED_WITHIN_MS) within++;
    else if (undecided.length < 20) undecided.push({ symbol: m.symbol, kind: m.kind, at: new Date(m.at).toISOString() });
  }
  return {
    days,
    decisions: result.decisions.length,
    decisionsByLayer,
    llmCalls,
    llmCallsPerDay: llmCalls / days,
    llmRefused,
    reviewCalls,
    cacheReadShare: sent > 0 ? read / sent : null,
    cacheReadShareWithExpiry: sent > 0 ? readExpiring / sent : null,
    costUsd: result.llmCostUsd,
    costPerDayUsd: result.llmCostUsd / days,
    materialMoves: result.materialMoves.length,
    materialMovesByKind,
    shocksAlreadyDecided: result.stats.movesAlreadyDecided,
    materialMovesDecidedWithin15m: within,
    undecidedMoves: undecided,
  };
}
