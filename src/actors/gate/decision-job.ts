import type { Env } from "../../env";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import { laggingSymbols } from "../../lib/decide/snapshot";
import type { DecisionAttempt } from "../../lib/decide/decider";
import { decisionOrders } from "../../lib/decide/decision-cycle";
import { entryContextOf } from "../../lib/decide/entry-context";
import type { Decision } from "../../lib/decide/decision";
import type { GateLayer } from "../../lib/gate";
import type { CombinedRegime } from "../../lib/regime/types";
import type { DecisionOutcomeRow } from "./decision-row";
import { actorName } from "../names";

/** A decision to run (the `decide` timer's payload). */
export interface DecideJob {
  decisionId: string;
  layer: GateLayer;
  reason: string;
  at: number;
  /** Wall time the decision began waiting for a market behind the others (`gate.snapshotWaitMs`). */
  waitingSinceWall?: number;
}

/** A decider's answer kept until its decision is executed, so a resumed decision never asks again. */
export interface DecidedJob {
  snapshot: MarketSnapshot;
  hash: string;
  attempt: DecisionAttempt;
  at: number;
}

export const decidedKey = (decisionId: string) => `decided:${decisionId}`;

/** How soon a decision waiting for a market behind the others looks again. */
export const SNAPSHOT_RETRY_MS = 500;

/**
 * A market whose candles stop short of the decision's minute (its ticker behind the others) would put two moments in
 * one snapshot: the decision looks again in SNAPSHOT_RETRY_MS, for up to `waitMs` of wall time, then decides on what
 * there is. Answers whether to wait (and until when), or to go on, with who lagged when the wait ran out.
 */
export function snapshotWait(
  job: DecideJob,
  marks: { symbol: string; closedThrough: number | null }[],
  wall: number,
  waitMs: number,
): { wait: true; retry: DecideJob; retryAt: number } | { wait: false; waitedMs: number | null; lagging: string[] } {
  const lagging = laggingSymbols(marks, job.at);
  const since = job.waitingSinceWall ?? wall;
  if (lagging.length === 0) return { wait: false, waitedMs: job.waitingSinceWall === undefined ? null : wall - since, lagging: [] };
  if (wall - since < waitMs) return { wait: true, retry: { ...job, waitingSinceWall: since }, retryAt: wall + SNAPSHOT_RETRY_MS };
  return { wait: false, waitedMs: wall - since, lagging: lagging.map((l) => `${l.symbol} ${Number.isFinite(l.behindMs) ? `${Math.round(l.behindMs / 1000)} s` : "no candles"} behind`) };
}

/** How far each ticker's candles are closed (one small call per ticker). */
export function closedMarks(env: Env, venue: string, symbols: string[]): Promise<{ symbol: string; closedThrough: number | null }[]> {
  return Promise.all(symbols.map(async (symbol) => ({ symbol, closedThrough: await env.TICKER.getByName(actorName.ticker(venue, symbol)).closedThrough() })));
}

/** Agent votes and strategy signals of a decision, per symbol (stream `decision.votes`, the dry run). */
export function votesView(attempt: DecisionAttempt) {
  return (attempt.votes ?? []).map((v) => ({
    symbol: v.symbol,
    regime: v.regime?.learnerKey ?? null,
    score: v.result.score,
    scores: v.scores,
    weights: v.weights.weights,
    weightsSource: v.weights.source,
    signals: v.signals.map((g) => ({ strategy: g.strategy, action: g.action, confidence: g.confidence, reason: g.reason })),
  }));
}

/** The stream events of a decided decision, in the order they go out. */
export function decidedEvents(job: DecideJob, attempt: DecisionAttempt, regimeChanges: unknown[]): [type: string, data: unknown][] {
  const events: [string, unknown][] = [];
  if (attempt.alert) events.push(["risk.alert", { source: "llm", ...(attempt.alertKind ? { kind: attempt.alertKind } : {}), reason: attempt.alert }]);
  const d = attempt.decision;
  events.push([
    "decision.made",
    d
      ? { decisionId: job.decisionId, decider: attempt.decider, trigger: job.layer, decisions: d.decisions, assessment: d.market_assessment, clamps: attempt.clamps, note: attempt.note }
      : { decisionId: job.decisionId, decider: attempt.decider, trigger: job.layer, failed: attempt.failure },
  ]);
  if (d && attempt.votes?.length) events.push(["decision.votes", { decisionId: job.decisionId, votes: votesView(attempt) }]);
  for (const change of regimeChanges) events.push(["regime.update", change]);
  return events;
}

/** Each symbol's regime change since the regimes last noted (`known`, updated in place); the changes in order. */
export function regimeChanges(known: Record<string, string>, regimes: Record<string, CombinedRegime | null>) {
  const changes: { symbol: string; regime: string; previous: string | null; trend: string; volatility: string; confidence: number }[] = [];
  for (const [symbol, r] of Object.entries(regimes)) {
    if (!r || known[symbol] === r.learnerKey) continue;
    changes.push({ symbol, regime: r.learnerKey, previous: known[symbol] ?? null, trend: r.trend, volatility: r.volatility, confidence: r.confidence });
    known[symbol] = r.learnerKey;
  }
  return changes;
}

/** Asks the account for the decision's orders, SELLs before BUYs (each request idempotent per decision and symbol). */
export async function executeDecision(
  env: Env,
  portfolio: string,
  job: { decisionId: string; at: number; agent: string },
  decision: Decision,
  snapshot: MarketSnapshot,
  decisionTimeframe: Parameters<typeof entryContextOf>[2],
): Promise<DecisionOutcomeRow[]> {
  const account = env.ACCOUNT.getByName(actorName.account(portfolio));
  const outcomes: DecisionOutcomeRow[] = [];
  for (const o of decisionOrders(decision, job, (ticker, signals) => entryContextOf(snapshot, ticker, decisionTimeframe, signals))) {
    if (o.action === "HOLD") {
      outcomes.push({ ticker: o.ticker, action: "HOLD", accepted: true, detail: "no order" });
      continue;
    }
    const r = o.action === "BUY" ? await account.requestEntry(o.entry) : await account.requestExit(o.exit);
    outcomes.push({ ticker: o.ticker, action: o.action, accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
  }
  return outcomes;
}
