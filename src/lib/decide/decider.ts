import { checkSymbols, type ModelAnswer, type Usage } from "./answer";
import { clampDecision } from "./clamp";
import { ModelDecisionSchema, type Decision } from "./decision";
import { decisionRequestChars, promptVersionOf } from "./prompt";
import type { TickerVote } from "./synthesis-decider";
import type { MarketSnapshot } from "./snapshot";
import type { EngineConfig } from "../config";
import type { LlmGovernor } from "./llm-governor";
import type { CallPurpose } from "./cost";
import { evidenceOf, withEvidence, type TickerEvidence } from "./evidence";

/** One decider's answer to one snapshot, with everything the decision log keeps. */
export interface DecisionAttempt {
  decider: string;
  /** The clamped decision to execute, or null: a failure, which places no order. */
  decision: Decision | null;
  failure: string | null;
  clamps: string[];
  /** Why this decider answered (e.g. Claude skipped because the breaker is open). */
  note: string | null;
  /** Set when the daily LLM budget is spent or Claude's breaker just opened: a risk.alert goes out. */
  alert: string | null;
  /** What the alert is (`kind` of the risk.alert: the notifier tells `budget.spent` and `breaker.opened` apart). */
  alertKind?: "budget_spent" | "calls_capped" | "breaker_opened";
  raw: unknown;
  model: string | null;
  promptVersion: string | null;
  usage: Usage | null;
  costUsd: number;
  latencyMs: number | null;
  /** The rule pipeline's per-ticker signals, agent scores and votes: computed for every decision, whoever decided. */
  votes: TickerVote[] | null;
  /** The evidence Claude received inside its snapshot, when Claude was asked. */
  evidence?: TickerEvidence[];
  /** Whose answer it is when not `decider`'s own: a replayed answer is the model's (its positions and trades are the model's, as in the session replayed). */
  agent?: string;
}

/** The agent a decision's positions are credited to (the learner's and the snapshot's record of who traded). */
export const agentOf = (a: Pick<DecisionAttempt, "decider" | "agent">): string => a.agent ?? a.decider;

/** The rule pipeline's answer (strategies, agents, synthesizer). */
export interface RuleAnswer {
  decider: string;
  decision: Decision;
  votes: TickerVote[];
}

/**
 * What the decider reaches outside the pure core; the GateActor and the backtester each provide them (Claude
 * through the SDK or a recording; the governor's state in the actor's storage or in the run's memory).
 */
export interface DeciderPorts {
  cfg: EngineConfig;
  governor: LlmGovernor;
  /** Claude (the decision request for `seen`, answered and parsed), when a client is configured. */
  ask: ((seen: MarketSnapshot) => Promise<ModelAnswer>) | null;
  /** The recorded decision for a snapshot hash (replay decider); `snapshot` is the one hashed. */
  recorded: (hash: string, snapshot: MarketSnapshot) => Promise<unknown> | unknown;
  /** The snapshot's hash (`decisionKeyText`), computed when first asked. */
  hash: () => Promise<string>;
  /** Runs the rule pipeline on this snapshot. */
  rules: (snapshot: MarketSnapshot) => Promise<RuleAnswer> | RuleAnswer;
  /** The governor's clock: wall time live (outages and spend are about real time), replay time in a backtest. */
  wallNow: () => number;
}

const blank = { clamps: [], note: null, alert: null, raw: null, model: null, promptVersion: null, usage: null, costUsd: 0, latencyMs: null, votes: null };

function accept(snapshot: MarketSnapshot, d: Decision, base: Omit<DecisionAttempt, "decision" | "failure" | "clamps">): DecisionAttempt {
  const bad = checkSymbols(d, snapshot);
  if (bad) return { ...base, decision: null, failure: bad, clamps: [] };
  const c = clampDecision(d, snapshot);
  return { ...base, decision: c.decision, failure: null, clamps: c.clamps };
}

async function byRules(snapshot: MarketSnapshot, ctx: DeciderPorts, note: string | null, alert: string | null, computed?: RuleAnswer, kind?: string): Promise<DecisionAttempt> {
  const r = computed ?? (await ctx.rules(snapshot));
  const alertKind = kind === "calls_capped" ? ("calls_capped" as const) : ("budget_spent" as const);
  return accept(snapshot, r.decision, { ...blank, decider: r.decider, note, alert, ...(alert ? { alertKind } : {}), votes: r.votes });
}

async function byClaude(
  snapshot: MarketSnapshot,
  ctx: DeciderPorts,
  ask: (seen: MarketSnapshot) => Promise<ModelAnswer>,
  sent: { reservation: string; requestChars: number; purpose: CallPurpose },
): Promise<DecisionAttempt> {
  const { llm } = ctx.cfg;
  const answer = await ask(snapshot);
  const base = { ...blank, decider: `claude:${llm.model}`, raw: answer.raw, model: llm.model, promptVersion: promptVersionOf(llm), usage: answer.usage, latencyMs: answer.latencyMs };
  const attempt: DecisionAttempt = answer.decision ? accept(snapshot, answer.decision, base) : { ...base, decision: null, failure: answer.failure, clamps: [] };
  const booked = ctx.governor.record(ctx.wallNow(), attempt.usage, attempt.failure, sent);
  // Admitted means the breaker was closed or half-open: open now means this failure opened it.
  const opened = booked.breaker.state === "open" && attempt.failure ? `Claude breaker opened after ${booked.breaker.consecutiveFailures} failures: ${attempt.failure}` : null;
  return {
    ...attempt,
    costUsd: booked.cost,
    note: opened ? `breaker opened after ${booked.breaker.consecutiveFailures} failures` : null,
    ...(opened ? { alert: opened, alertKind: "breaker_opened" as const } : {}),
  };
}

async function byReplay(snapshot: MarketSnapshot, ctx: DeciderPorts): Promise<DecisionAttempt> {
  const hash = await ctx.hash();
  const recorded = await ctx.recorded(hash, snapshot);
  const base = { ...blank, decider: "replay", agent: `claude:${ctx.cfg.llm.model}` };
  if (recorded === null || recorded === undefined) return { ...base, decision: null, failure: `no recorded decision for snapshot ${hash.slice(0, 16)}`, clamps: [] };
  const parsed = ModelDecisionSchema.safeParse(recorded);
  if (!parsed.success) return { ...base, decision: null, failure: `recorded decision for ${hash.slice(0, 16)} is not valid`, clamps: [] };
  return accept(snapshot, parsed.data, base);
}

/**
 * Chooses the decider (configured mode, API key, breaker, budget) and runs it. Claude answers that are
 * invalid are failures: no order, a recorded reason, a breaker count. While the breaker is open or the
 * budget is spent, the rule pipeline decides.
 */
export async function runDecider(snapshot: MarketSnapshot, ctx: DeciderPorts, purpose: CallPurpose = "decision"): Promise<DecisionAttempt> {
  const mode = ctx.cfg.llm.decider;
  // Every decision computes the engine's evidence (strategies' signals, agents' votes), whatever decides: it is
  // recorded, and Claude receives it inside the snapshot, so its signal_weights name inputs it saw.
  const rules = await ctx.rules(snapshot);
  if (mode === "rule") return byRules(snapshot, ctx, "rule pipeline configured", null, rules);
  if (mode === "replay") return { ...(await byReplay(snapshot, ctx)), votes: rules.votes };
  if (!ctx.ask) return byRules(snapshot, ctx, "no ANTHROPIC_API_KEY: rule pipeline decides", null, rules);
  const evidence = evidenceOf(rules.votes);
  const seen = withEvidence(snapshot, evidence);
  const requestChars = decisionRequestChars(seen, ctx.cfg.llm);
  const admission = ctx.governor.admit(ctx.wallNow(), requestChars, purpose);
  if (!admission.allowed) return byRules(snapshot, ctx, `Claude not called (${admission.reason}): rule pipeline decides`, admission.budget ? admission.reason : null, rules, admission.kind);
  const attempt = await byClaude(seen, ctx, ctx.ask, { reservation: admission.reservation, requestChars, purpose });
  return { ...attempt, votes: rules.votes, evidence };
}
