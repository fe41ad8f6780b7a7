import type { Env } from "../../env";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { DecisionAttempt } from "../../lib/decide/decider";
import { decisionOrders } from "../../lib/decide/decision-cycle";
import { entryContextOf } from "../../lib/decide/entry-context";
import { opensPosition, type Decision } from "../../lib/decide/decision";
import type { EngineConfig } from "../../lib/config";
import type { GateLayer } from "../../lib/gate";
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

/** Asks the account for the decision's orders, SELLs before BUYs (each request idempotent per decision and symbol). */
export async function executeDecision(
  env: Env,
  portfolio: string,
  job: { decisionId: string; at: number; agent: string },
  decision: Decision,
  snapshot: MarketSnapshot,
  cfg: Pick<EngineConfig, "gate" | "risk">,
): Promise<DecisionOutcomeRow[]> {
  const account = env.ACCOUNT.getByName(actorName.account(portfolio));
  const outcomes: DecisionOutcomeRow[] = [];
  // Kelly sizes from the learner's record per regime: asked only when an entry would read it.
  const kelly = cfg.risk.sizing.mode === "kelly" && decision.decisions.some((d) => opensPosition(d.action));
  const edges = kelly ? await env.LEARNER.getByName(actorName.learner(portfolio)).edges() : null;
  const entryContext = (ticker: string, signals: Record<string, number>) => entryContextOf(snapshot, ticker, cfg.gate.decisionTimeframe, signals);
  for (const o of decisionOrders(decision, job, entryContext, edges)) {
    if (o.action === "HOLD") {
      outcomes.push({ ticker: o.ticker, action: "HOLD", accepted: true, detail: "no order" });
      continue;
    }
    const r = o.action === "SELL" ? await account.requestExit(o.exit) : await account.requestEntry(o.entry);
    outcomes.push({ ticker: o.ticker, action: o.action, accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
  }
  return outcomes;
}
