import type { ClaudeClient } from "../../adapters/llm/claude-client";
import type { Env } from "../../env";
import type { EngineConfig } from "../../lib/config";
import { parseToolAnswer, usageOf, type Usage } from "../../lib/decide/answer";
import { PositionReviewSchema, type PositionVerdict } from "../../lib/decide/decision";
import { PROMPT_VERSION, REVIEW_TOOL_NAME, renderReviewRequest } from "../../lib/decide/prompt";
import { evaluatePosition } from "../../lib/exits/position-evaluator";
import { reviewFactsFrom } from "../../lib/exits/review-facts";
import { actorName } from "../names";
import type { LlmGovernor } from "./llm-governor";

export type { EntryContext } from "../../lib/execution/position";
import type { EntryContext } from "../../lib/execution/position";

export interface ReviewRequest {
  positionId: string;
  portfolio: string;
  venue: string;
  symbol: string;
  entryPrice: number;
  peakPrice: number;
  lastPrice: number;
  openedAt: number;
  at: number;
  seq: number;
  entryContext: EntryContext | null;
}

export interface ReviewOutcome {
  action: PositionVerdict;
  confidence: number;
  reason: string;
  source: string;
  failure: string | null;
  raw: unknown;
  usage: Usage | null;
  costUsd: number;
  latencyMs: number | null;
}

export interface ReviewContext {
  env: Env;
  cfg: EngineConfig;
  venue: string;
  governor: LlmGovernor;
  client: ClaudeClient | null;
  wallNow: () => number;
}

/** The market facts of a review, point in time at `req.at`. */
async function reviewFacts(req: ReviewRequest, ctx: ReviewContext) {
  const tf = ctx.cfg.gate.decisionTimeframe;
  const data = await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, req.symbol)).marketData({ [tf]: 60, "1h": 60 });
  const btcSymbol = "BTC/USDT";
  const btc = req.symbol === btcSymbol ? data : await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, btcSymbol)).marketData({ "1h": 3 }).catch(() => null);
  return reviewFactsFrom(req, data.candles[tf] ?? [], btc?.candles["1h"] ?? [], tf, ctx.cfg.strategy.trendingEfficiency);
}

/**
 * Layer 2 of position monitoring. Claude answers HOLD/EXIT/ADD when its breaker and budget allow;
 * otherwise, and when its answer is unusable, the 5-signal evaluator does.
 */
export async function reviewPosition(req: ReviewRequest, ctx: ReviewContext): Promise<ReviewOutcome> {
  const { facts, indicators } = await reviewFacts(req, ctx);
  const rule = (failure: string | null, note: string): ReviewOutcome => {
    const r = evaluatePosition(facts, ctx.cfg.exits);
    return { action: r.action, confidence: Math.min(1, Math.abs(r.score)), reason: `${note}${r.reason}`, source: "rule:5-signal", failure, raw: null, usage: null, costUsd: 0, latencyMs: null };
  };
  const mode = ctx.cfg.llm.decider;
  if (!ctx.client || mode === "rule" || mode === "replay") return rule(null, "");
  const { llm } = ctx.cfg;
  const pnlPct = req.lastPrice / req.entryPrice - 1;
  const request = renderReviewRequest(
    {
      position: { id: req.positionId, symbol: req.symbol, entryPrice: req.entryPrice, lastPrice: req.lastPrice, peakPrice: req.peakPrice, pnlPct, openedAt: req.openedAt, heldHours: facts.heldMs / 3_600_000 },
      ticker: { symbol: req.symbol, timeframes: indicators ? { [ctx.cfg.gate.decisionTimeframe]: indicators } : {}, regime: facts.regime, btcReturn1h: facts.btcReturn1h },
      at: req.at,
    },
    llm.model,
    llm.maxTokens,
  );
  const requestChars = JSON.stringify(request).length;
  const admission = ctx.governor.admit(ctx.wallNow(), requestChars);
  if (!admission.allowed) return rule(null, `Claude not asked (${admission.reason}); `);
  const call = await ctx.client.send(request);
  const parsed = call.error ? ({ ok: false, reason: call.error } as const) : parseToolAnswer(call.raw, REVIEW_TOOL_NAME, PositionReviewSchema);
  const usage = usageOf(call.raw);
  const booked = ctx.governor.record(ctx.wallNow(), usage, parsed.ok ? null : parsed.reason, { reservation: admission.reservation, requestChars });
  if (!parsed.ok) return { ...rule(parsed.reason, `Claude's review failed (${parsed.reason}); `), raw: call.raw, usage, costUsd: booked.cost, latencyMs: call.latencyMs };
  return { ...parsed.value, reason: parsed.value.reasoning, source: `claude:${llm.model}`, failure: null, raw: call.raw, usage, costUsd: booked.cost, latencyMs: call.latencyMs };
}

export const REVIEW_PROMPT_VERSION = PROMPT_VERSION;
