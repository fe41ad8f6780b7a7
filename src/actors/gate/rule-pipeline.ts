import type { Env } from "../../env";
import type { QuantModel } from "../../lib/agents/quant/model";
import type { EngineConfig } from "../../lib/config";
import { pipelineInputs, regimeKeys } from "../../lib/decide/pipeline-inputs";
import { ruleDecision } from "../../lib/decide/rule-decision";
import type { MarketSnapshot, SnapshotInput } from "../../lib/decide/snapshot";
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

/**
 * The rule pipeline for one decision: the learner samples weights per regime (seeded by the decision
 * id, so a decision can be replayed); the pure core does the rest, as in a backtest.
 */
export async function runRulePipeline(ctx: RulePipelineContext, snapshot: MarketSnapshot): Promise<RuleAnswer> {
  const weights = await ctx.env.LEARNER.getByName(actorName.learner(ctx.portfolio)).sampleWeights({
    regimes: regimeKeys(snapshot, ctx.regimes),
    seed: ctx.decisionId,
    defaults: ctx.cfg.synthesizer.defaultWeights,
  });
  return ruleDecision(snapshot, pipelineInputs(ctx.input, snapshot, ctx.regimes, weights, ctx.quantModel, ctx.strategies), ctx.cfg);
}
