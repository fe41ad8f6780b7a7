import type { Env } from "../../env";
import type { EngineConfig } from "../../lib/config";
import { reviewOutcome, type ReviewOutcome } from "../../lib/exits/position-evaluator";
import { reviewFactsFrom } from "../../lib/exits/review-facts";
import { actorName } from "../names";

export type { EntryContext } from "../../lib/execution/position";
import type { EntryContext } from "../../lib/execution/position";

export interface ReviewRequest {
  positionId: string;
  /** Absent: a long. */
  side?: "long" | "short";
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

export type { ReviewOutcome };

export interface ReviewContext {
  env: Env;
  cfg: EngineConfig;
  venue: string;
}

/** The market facts of a review, point in time at `req.at`. */
async function reviewFacts(req: ReviewRequest, ctx: ReviewContext) {
  const tf = ctx.cfg.gate.decisionTimeframe;
  const data = await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, req.symbol)).marketData({ [tf]: 60, "1h": 60 });
  const btcSymbol = "BTC/USDT";
  const btc =
    req.symbol === btcSymbol
      ? data
      : await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, btcSymbol))
          .marketData({ "1h": 3 })
          .catch(() => null);
  return reviewFactsFrom(req, data.candles[tf] ?? [], btc?.candles["1h"] ?? [], tf, ctx.cfg.strategy.trendingEfficiency);
}

/**
 * Layer 2 of position monitoring: the 5-signal evaluator, deterministic and free, every review interval. It exits a
 * position on its own (EXIT); a position it keeps but finds at risk is handed to the decider, which looks at every
 * open position inside one decision (Claude is never called once per position).
 */
export async function reviewPosition(req: ReviewRequest, ctx: ReviewContext): Promise<ReviewOutcome> {
  const { facts } = await reviewFacts(req, ctx);
  return reviewOutcome(facts, ctx.cfg.exits);
}
