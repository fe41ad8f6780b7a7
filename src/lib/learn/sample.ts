import type { AgentName, AgentWeights } from "../agents/types";
import { seededRng, seedFrom, type Rng } from "../util/rng";
import { sampleBeta } from "./beta";
import { DEFAULT_AGENT_WEIGHTS, type LearnerConfig } from "./config";
import { effectivePosterior, posteriorMean, posteriorSource } from "./posterior";
import type { LearnerState, Posterior } from "./state";

export type WeightSource = "regime" | "global" | "defaults";

type AgentValues = Partial<Record<AgentName, number>>;

export interface SampledWeights {
  /** Sum 1 over the given agents, 0 for every other agent. */
  weights: AgentWeights;
  /** Each agent's Beta draw before normalising; empty for defaults. */
  samples: AgentValues;
  source: WeightSource;
}

export interface MeanWeights {
  weights: AgentWeights;
  /** Each agent's posterior mean before normalising; empty for defaults. */
  means: AgentValues;
  source: WeightSource;
}

/** Normalises values over `agents`; all zero (or non-finite) falls back to equal weights. */
function normalise(values: AgentValues, agents: readonly AgentName[]): AgentWeights {
  const weights: AgentWeights = { quant: 0, market: 0, momentum: 0, sentiment: 0, regime: 0, derivatives: 0 };
  const clean = (a: AgentName) => {
    const v = values[a] ?? 0;
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  const total = agents.reduce((s, a) => s + clean(a), 0);
  for (const a of agents) weights[a] = total > 0 ? clean(a) / total : 1 / agents.length;
  return weights;
}

function weigh(
  state: LearnerState,
  regime: string | null,
  agents: readonly AgentName[],
  cfg: LearnerConfig,
  defaults: AgentWeights,
  value: (p: Posterior) => number,
): { weights: AgentWeights; values: AgentValues; source: WeightSource } {
  if (state.trades < cfg.minTradesForWeights) return { weights: normalise(defaults, agents), values: {}, source: "defaults" };
  const values: AgentValues = {};
  for (const a of agents) values[a] = value(effectivePosterior(state, a, regime, cfg).posterior);
  return { weights: normalise(values, agents), values, source: posteriorSource(state, regime, cfg) };
}

/**
 * Thompson sampling: one Beta draw per agent from its effective posterior (the regime's once it has
 * enough trades, else the global one), normalised over `agents`. Below `minTradesForWeights` trades
 * it returns `defaults` (renormalised over `agents`) and draws nothing.
 */
export function sampleWeights(state: LearnerState, regime: string | null, agents: readonly AgentName[], rng: Rng, cfg: LearnerConfig, defaults: AgentWeights = DEFAULT_AGENT_WEIGHTS): SampledWeights {
  const r = weigh(state, regime, agents, cfg, defaults, (p) => sampleBeta(p.alpha, p.beta, rng));
  return { weights: r.weights, samples: r.values, source: r.source };
}

/** The same as sampleWeights with each draw replaced by the posterior mean: deterministic, for display and tests. */
export function meanWeights(state: LearnerState, regime: string | null, agents: readonly AgentName[], cfg: LearnerConfig, defaults: AgentWeights = DEFAULT_AGENT_WEIGHTS): MeanWeights {
  const r = weigh(state, regime, agents, cfg, defaults, posteriorMean);
  return { weights: r.weights, means: r.values, source: r.source };
}

/**
 * The weights of every regime key, each sampled with its own generator seeded by `seed` (the decision id) and the key:
 * the same decision samples the same weights, live and in a backtest.
 */
export function sampleRegimeWeights(
  state: LearnerState,
  keys: readonly string[],
  seed: string,
  agents: readonly AgentName[],
  cfg: LearnerConfig,
  defaults: AgentWeights,
): Record<string, SampledWeights> {
  const out: Record<string, SampledWeights> = {};
  for (const key of new Set(keys)) out[key] = sampleWeights(state, key, agents, seededRng(seedFrom(`${seed}:${key}`)), cfg, defaults);
  return out;
}
