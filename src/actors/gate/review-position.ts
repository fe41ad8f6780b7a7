import type { ClaudeClient } from "../../adapters/llm/claude-client";
import type { Env } from "../../env";
import type { EngineConfig } from "../../lib/config";
import { parseToolAnswer, usageOf, type Usage } from "../../lib/decide/answer";
import { PositionReviewSchema, type PositionVerdict } from "../../lib/decide/decision";
import { PROMPT_VERSION, REVIEW_TOOL_NAME, renderReviewRequest } from "../../lib/decide/prompt";
import { timeframeIndicators } from "../../lib/decide/timeframe-indicators";
import { evaluatePosition, type ReviewFacts } from "../../lib/exits/position-evaluator";
import type { Candle } from "../../lib/market/candle";
import { TIMEFRAME_MS, type Timeframe } from "../../lib/market/timeframe";
import { classifyTrend } from "../../lib/regime/trend";
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

const closedBy = (c: Candle[] | undefined, tf: Timeframe, now: number) => (c ?? []).filter((x) => x.t + TIMEFRAME_MS[tf] <= now);

/** The market facts of a review, point in time at `req.at`. */
async function reviewFacts(req: ReviewRequest, ctx: ReviewContext) {
  const tf = ctx.cfg.gate.decisionTimeframe;
  const data = await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, req.symbol)).marketData({ [tf]: 60, "1h": 60 });
  const btcSymbol = "BTC/USDT";
  const btc = req.symbol === btcSymbol ? data : await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, btcSymbol)).marketData({ "1h": 3 }).catch(() => null);
  const decisionCandles = closedBy(data.candles[tf], tf, req.at);
  const last = decisionCandles[decisionCandles.length - 1];
  const ind = last ? timeframeIndicators(decisionCandles, last.t + TIMEFRAME_MS[tf]) : null;
  const regime = decisionCandles.length > 0 ? classifyTrend(decisionCandles.map((c) => c.c), 14, ctx.cfg.strategy.trendingEfficiency).regime : null;
  const btcHours = closedBy(btc?.candles["1h"], "1h", req.at);
  const a = btcHours[btcHours.length - 2];
  const b = btcHours[btcHours.length - 1];
  const facts: ReviewFacts = {
    entryPrice: req.entryPrice,
    peakPrice: req.peakPrice,
    price: req.lastPrice,
    heldMs: req.at - req.openedAt,
    entryRegime: req.entryContext?.regime ?? null,
    regime,
    entryAtrPct: req.entryContext?.atrPct ?? null,
    atrPct: ind?.atrPct ?? null,
    entryMomentum: req.entryContext?.momentum ?? null,
    momentum: ind?.momentum14 ?? null,
    btcReturn1h: a && b ? b.c / a.c - 1 : null,
  };
  return { facts, indicators: ind };
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
  const admission = ctx.governor.admit(ctx.wallNow());
  if (!admission.allowed) return rule(null, `Claude not asked (${admission.reason}); `);
  const { llm } = ctx.cfg;
  const pnlPct = req.lastPrice / req.entryPrice - 1;
  const call = await ctx.client.send(
    renderReviewRequest(
      {
        position: { id: req.positionId, symbol: req.symbol, entryPrice: req.entryPrice, lastPrice: req.lastPrice, peakPrice: req.peakPrice, pnlPct, openedAt: req.openedAt, heldHours: facts.heldMs / 3_600_000 },
        ticker: { symbol: req.symbol, timeframes: indicators ? { [ctx.cfg.gate.decisionTimeframe]: indicators } : {}, regime: facts.regime, btcReturn1h: facts.btcReturn1h },
        at: req.at,
      },
      llm.model,
      llm.maxTokens,
    ),
  );
  const parsed = call.error ? ({ ok: false, reason: call.error } as const) : parseToolAnswer(call.raw, REVIEW_TOOL_NAME, PositionReviewSchema);
  const usage = usageOf(call.raw);
  const booked = ctx.governor.record(ctx.wallNow(), usage, parsed.ok ? null : parsed.reason);
  if (!parsed.ok) return { ...rule(parsed.reason, `Claude's review failed (${parsed.reason}); `), raw: call.raw, usage, costUsd: booked.cost, latencyMs: call.latencyMs };
  return { ...parsed.value, reason: parsed.value.reasoning, source: `claude:${llm.model}`, failure: null, raw: call.raw, usage, costUsd: booked.cost, latencyMs: call.latencyMs };
}

export const REVIEW_PROMPT_VERSION = PROMPT_VERSION;
