import type { ClaudeClient } from "../../adapters/llm/claude-client";
import { askClaude, decisionRequestChars } from "../../adapters/llm/ask-claude";
import { checkSymbols, type Usage } from "../../lib/decide/answer";
import { clampDecision } from "../../lib/decide/clamp";
import { ModelDecisionSchema, type Decision } from "../../lib/decide/decision";
import { promptVersionOf } from "../../lib/decide/prompt";
import type { TickerVote } from "../../lib/decide/synthesis-decider";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { EngineConfig } from "../../lib/config";
import type { LlmGovernor } from "../../lib/decide/llm-governor";
import type { CallPurpose } from "../../lib/decide/cost";
import { evidenceOf, withEvidence, type TickerEvidence } from "../../lib/decide/evidence";

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
}

/** The rule pipeline's answer (strategies, agents, synthesizer). */
export interface RuleAnswer {
  decider: string;
  decision: Decision;
  votes: TickerVote[];
}

export interface DeciderContext {
  cfg: EngineConfig;
  governor: LlmGovernor;
  client: ClaudeClient | null;
  /** The recorded decision for a snapshot hash (replay decider). */
  recorded: (hash: string) => Promise<unknown>;
  /** Runs the rule pipeline on this snapshot. */
  rules: (snapshot: MarketSnapshot) => Promise<RuleAnswer>;
  wallNow: () => number;
}

const blank = { clamps: [], note: null, alert: null, raw: null, model: null, promptVersion: null, usage: null, costUsd: 0, latencyMs: null, votes: null };

function accept(snapshot: MarketSnapshot, d: Decision, base: Omit<DecisionAttempt, "decision" | "failure" | "clamps">): DecisionAttempt {
  const bad = checkSymbols(d, snapshot);
  if (bad) return { ...base, decision: null, failure: bad, clamps: [] };
  const c = clampDecision(d, snapshot);
  return { ...base, decision: c.decision, failure: null, clamps: c.clamps };
}

async function byRules(snapshot: MarketSnapshot, ctx: DeciderContext, note: string | null, alert: string | null, computed?: RuleAnswer, kind?: string): Promise<DecisionAttempt> {
  const r = computed ?? (await ctx.rules(snapshot));
  const alertKind = kind === "calls_capped" ? ("calls_capped" as const) : ("budget_spent" as const);
  return accept(snapshot, r.decision, { ...blank, decider: r.decider, note, alert, ...(alert ? { alertKind } : {}), votes: r.votes });
}

async function byClaude(snapshot: MarketSnapshot, ctx: DeciderContext, client: ClaudeClient, sent: { reservation: string; requestChars: number; purpose: CallPurpose }): Promise<DecisionAttempt> {
  const { llm } = ctx.cfg;
  const answer = await askClaude(client, snapshot, llm);
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

async function byReplay(snapshot: MarketSnapshot, hash: string, ctx: DeciderContext): Promise<DecisionAttempt> {
  const recorded = await ctx.recorded(hash);
  const base = { ...blank, decider: "replay" };
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
export async function runDecider(snapshot: MarketSnapshot, hash: string, ctx: DeciderContext, purpose: CallPurpose = "decision"): Promise<DecisionAttempt> {
  const mode = ctx.cfg.llm.decider;
  // Every decision computes the engine's evidence (strategies' signals, agents' votes), whatever decides: it is
  // recorded, and Claude receives it inside the snapshot, so its signal_weights name inputs it saw.
  const rules = await ctx.rules(snapshot);
  if (mode === "rule") return byRules(snapshot, ctx, "rule pipeline configured", null, rules);
  if (mode === "replay") return { ...(await byReplay(snapshot, hash, ctx)), votes: rules.votes };
  if (!ctx.client) return byRules(snapshot, ctx, "no ANTHROPIC_API_KEY: rule pipeline decides", null, rules);
  const evidence = evidenceOf(rules.votes);
  const seen = withEvidence(snapshot, evidence);
  const requestChars = decisionRequestChars(seen, ctx.cfg.llm);
  const admission = ctx.governor.admit(ctx.wallNow(), requestChars, purpose);
  if (!admission.allowed) return byRules(snapshot, ctx, `Claude not called (${admission.reason}): rule pipeline decides`, admission.budget ? admission.reason : null, rules, admission.kind);
  const attempt = await byClaude(seen, ctx, ctx.client, { reservation: admission.reservation, requestChars, purpose });
  return { ...attempt, votes: rules.votes, evidence };
}
