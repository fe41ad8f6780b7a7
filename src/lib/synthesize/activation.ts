import { AGENT_NAMES, type AgentName } from "../agents/types";
import type { CombinedRegime } from "../regime/types";
import type { ActivationRule, SynthesizerConfig } from "./config";

function allows(rule: ActivationRule, regime: CombinedRegime | null): boolean {
  const conditional = rule.trends !== undefined || rule.volatilities !== undefined || rule.minConfidence !== undefined;
  if (!conditional) return true;
  if (regime === null) return false;
  if (rule.trends !== undefined && !rule.trends.includes(regime.trend)) return false;
  if (rule.volatilities !== undefined && !rule.volatilities.includes(regime.volatility)) return false;
  if (rule.minConfidence !== undefined && !(regime.confidence >= rule.minConfidence)) return false;
  return true;
}

/**
 * Conditional activation: the agents the activation table lets vote in `regime` (null: no regime
 * known, only unconditional agents), in AGENT_NAMES order. See SynthesizerConfigSchema for the table.
 */
export function activeAgents(regime: CombinedRegime | null, cfg: SynthesizerConfig): AgentName[] {
  return AGENT_NAMES.filter((agent) => allows(cfg.activation[agent], regime));
}
