import type { Env } from "../../env";
import type { QuantModel, QuantScores } from "../../lib/agents/quant/model";
import { scoreQuant } from "../../lib/agents/quant/score";
import type { EngineConfig } from "../../lib/config";
import { decideBySynthesis, SYNTHESIS_DECIDER, type TickerPipelineInput } from "../../lib/decide/synthesis-decider";
import type { MarketSnapshot, SnapshotInput } from "../../lib/decide/snapshot";
import type { Candle } from "../../lib/market/candle";
import { TIMEFRAME_MS, type Timeframe } from "../../lib/market/timeframe";
import type { CombinedRegime } from "../../lib/regime/types";
import type { StrategyConfigs } from "../../lib/strategy/strategy-configs";
import type { RuleAnswer } from "./run-decider";
import { actorName } from "../names";

export interface RulePipelineContext {
  env: Env;
  cfg: EngineConfig;
  portfolio: string;
  decisionId: string;
  input: SnapshotInput;
  regimes: Record<string, CombinedRegime | null>;
  strategies: StrategyConfigs;
  quantModel: QuantModel | null;
}

const closedBy = (c: Candle[] | undefined, tf: Timeframe, now: number) => (c ?? []).filter((x) => x.t + TIMEFRAME_MS[tf] <= now);
const NO_REGIME = "none";

/**
 * The rule pipeline for one decision: learned weights sampled per regime (seeded by the decision id,
 * so a decision can be replayed), the quant ranker's scores, strategy contexts, then the synthesizer.
 */
export async function runRulePipeline(ctx: RulePipelineContext, snapshot: MarketSnapshot): Promise<RuleAnswer> {
  const now = snapshot.at;
  const keys = snapshot.tickers.map((t) => ctx.regimes[t.symbol]?.learnerKey ?? NO_REGIME);
  const weights = await ctx.env.LEARNER.getByName(actorName.learner(ctx.portfolio)).sampleWeights({ regimes: keys, seed: ctx.decisionId, defaults: ctx.cfg.synthesizer.defaultWeights });
  const daily: Record<string, Candle[]> = {};
  for (const t of ctx.input.tickers) daily[t.symbol] = closedBy(t.candles["1d"], "1d", now);
  let quantScores: QuantScores | null = null;
  if (ctx.quantModel) {
    try {
      quantScores = scoreQuant(ctx.quantModel, daily, now);
    } catch {
      quantScores = null;
    }
  }
  const held = new Map(snapshot.account.positions.map((p) => [p.symbol, p]));
  const tickers: Record<string, TickerPipelineInput> = {};
  for (const t of ctx.input.tickers) {
    const regime = ctx.regimes[t.symbol] ?? null;
    const candles: Partial<Record<Timeframe, Candle[]>> = {};
    for (const [tf, list] of Object.entries(t.candles) as [Timeframe, Candle[]][]) candles[tf] = closedBy(list, tf, now);
    const pos = held.get(t.symbol);
    const w = weights[regime?.learnerKey ?? NO_REGIME]!;
    tickers[t.symbol] = {
      context: {
        symbol: t.symbol,
        now,
        candles,
        funding: t.funding.filter((p) => p.at <= now),
        openInterest: null,
        regime,
        position: pos ? { entryPrice: pos.entryPrice, openedAt: pos.openedAt } : null,
      },
      regime,
      dailyCloses: (daily[t.symbol] ?? []).map((c) => c.c),
      sentiment: null,
      weights: { weights: w.weights, source: w.source },
    };
  }
  const r = decideBySynthesis(snapshot, { tickers, strategies: ctx.strategies, quantModel: ctx.quantModel, quantScores }, ctx.cfg);
  return { decider: SYNTHESIS_DECIDER, decision: r.decision, votes: r.votes };
}
