import type { ClaudeClient } from "../../adapters/llm/claude-client";
import { askClaude, decisionRequestChars } from "../../adapters/llm/ask-claude";
import { checkSymbols, type Usage } from "../../lib/decide/answer";
import { clampDecision } from "../../lib/decide/clamp";
import { ModelDecisionSchema, type Decision } from "../../lib/decide/decision";
import { PROMPT_VERSION } from "../../lib/decide/prompt";
import type { TickerVote } from "../../lib/decide/synthesis-decider";
import type { MarketSnapshot } from "../../lib/decide/snapshot";
import type { EngineConfig } from "../../lib/config";
import type { LlmGovernor } from "./llm-governor";

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
  alertKind?: "budget_spent" | "breaker_opened";
  raw: unknown;
  model: string | null;
  promptVersion: string | null;
  usage: Usage | null;
  costUsd: number;
  latencyMs: number | null;
  /** The rule pipeline's per-ticker signals, agent scores and votes, when it decided. */
  votes: TickerVote[] | null;
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

async function byRules(snapshot: MarketSnapshot, ctx: DeciderContext, note: string | null, alert: string | null): Promise<DecisionAttempt> {
  const r = await ctx.rules(snapshot);
  return accept(snapshot, r.decision, { ...blank, decider: r.decider, note, alert, ...(alert ? { alertKind: "budget_spent" as const } : {}), votes: r.votes });
}

async function byClaude(snapshot: MarketSnapshot, ctx: DeciderContext, client: ClaudeClient, sent: { reservation: string; requestChars: number }): Promise<DecisionAttempt> {
  const { llm } = ctx.cfg;
  const answer = await askClaude(client, snapshot, llm);
  const base = { ...blank, decider: `claude:${llm.model}`, raw: answer.raw, model: llm.model, promptVersion: PROMPT_VERSION, usage: answer.usage, latencyMs: answer.latencyMs };
  const attempt: DecisionAttempt = answer.decision ? accept(snapshot, answer.decision, base) : { ...base, decision: null, failure: answer.failure, clamps: [] };
  const booked = ctx.governor.record(ctx.wallNow(), attempt.usage, attempt.failure, sent);
  // Admitted means the breaker was closed or half-open: open now means this failure opened it.
  const opened = booked.breaker.state === "open" && attempt.failure ? `Claude breaker opened after ${booked.breaker.consecutiveFailures} failures: ${attempt.failure}` : null;
  return { ...attempt, costUsd: booked.cost, note: opened ? `breaker opened after ${booked.breaker.consecutiveFailures} failures` : null, ...(opened ? { alert: opened, alertKind: "breaker_opened" as const } : {}) };
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
export async function runDecider(snapshot: MarketSnapshot, hash: string, ctx: DeciderContext): Promise<DecisionAttempt> {
  const mode = ctx.cfg.llm.decider;
  if (mode === "rule") return byRules(snapshot, ctx, "rule pipeline configured", null);
  if (mode === "replay") return byReplay(snapshot, hash, ctx);
  if (!ctx.client) return byRules(snapshot, ctx, "no ANTHROPIC_API_KEY: rule pipeline decides", null);
  const requestChars = decisionRequestChars(snapshot, ctx.cfg.llm);
  const admission = ctx.governor.admit(ctx.wallNow(), requestChars);
  if (!admission.allowed) return byRules(snapshot, ctx, `Claude not called (${admission.reason}): rule pipeline decides`, admission.budget ? admission.reason : null);
  return byClaude(snapshot, ctx, ctx.client, { reservation: admission.reservation, requestChars });
}
