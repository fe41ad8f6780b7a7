import type { EngineConfig } from "../config";
import { getStrategy } from "../strategy/registry";
import { parsedParams } from "../strategy/strategy-configs";
import type { Signal } from "../strategy/strategy";
import type { Decision } from "./decision";
import type { MarketSnapshot } from "./snapshot-schema";
import { decideByStrategy, strategyDeciderName } from "./strategy-decider";
import { decideBySynthesis, SYNTHESIS_DECIDER, type PipelineInput, type TickerVote } from "./synthesis-decider";

/** The params of a strategy the config leaves unset: its defaults. */
const NO_PARAMS = Object.freeze({});

export interface RuleDecision {
  decider: string;
  decision: Decision;
  votes: TickerVote[];
}

/** The rule pipeline as configured: the synthesizer over every agent, or one strategy alone. */
export function ruleDecision(snapshot: MarketSnapshot, input: PipelineInput, cfg: Pick<EngineConfig, "risk" | "gate" | "synthesizer" | "rules">): RuleDecision {
  if (cfg.rules.decider === "synthesizer") {
    const r = decideBySynthesis(snapshot, input, cfg);
    return { decider: SYNTHESIS_DECIDER, decision: r.decision, votes: r.votes };
  }
  const strategy = getStrategy(cfg.rules.strategy);
  const params = parsedParams(strategy, input.strategies[strategy.name]?.params ?? NO_PARAMS);
  const signals: Record<string, Signal> = {};
  for (const [symbol, t] of Object.entries(input.tickers)) {
    if (strategy.assets === "all" || strategy.assets.includes(symbol)) signals[symbol] = strategy.evaluate(t.context, params);
  }
  return { decider: strategyDeciderName(strategy.name), decision: decideByStrategy(snapshot, signals, cfg), votes: [] };
}
