import type { AgentName } from "../agents/types";
import type { LearnerConfig } from "./config";
import { priorPosterior, type LearnerState, type Posterior, type PosteriorMap, type RegimeBucket } from "./state";

/** A map's posterior for an agent, or the prior when it has none. */
export function posteriorIn(map: PosteriorMap, agent: AgentName, cfg: LearnerConfig): Posterior {
  return (Object.hasOwn(map, agent) ? map[agent] : undefined) ?? priorPosterior(cfg);
}

/** A regime's bucket, own keys only (a regime named "constructor" must not read Object.prototype). */
export function regimeBucket(state: LearnerState, regime: string | null): RegimeBucket | undefined {
  return regime !== null && Object.hasOwn(state.byRegime, regime) ? state.byRegime[regime] : undefined;
}

/** Whether weights for `regime` come from its own posteriors (enough trades there) or the global ones. */
export function posteriorSource(state: LearnerState, regime: string | null, cfg: LearnerConfig): "regime" | "global" {
  const bucket = regimeBucket(state, regime);
  return bucket !== undefined && bucket.trades >= cfg.regimeMinTrades ? "regime" : "global";
}

/** The posterior to use for an agent in a regime: the regime's once it has `regimeMinTrades` trades, else the global one. */
export function effectivePosterior(state: LearnerState, agent: AgentName, regime: string | null, cfg: LearnerConfig): { posterior: Posterior; source: "regime" | "global" } {
  const source = posteriorSource(state, regime, cfg);
  const bucket = regimeBucket(state, regime);
  const map = source === "regime" && bucket ? bucket.posteriors : state.global;
  return { posterior: posteriorIn(map, agent, cfg), source };
}

/** E[Beta(α, β)] = α / (α + β). */
export function posteriorMean(p: Pick<Posterior, "alpha" | "beta">): number {
  return p.alpha / (p.alpha + p.beta);
}
