import type { AgentName, AgentScore } from "./types";

type Inputs = AgentScore["inputs"];

/**
 * An active agent's vote. The score must be finite (NaN reaching an agent is a bug upstream) and is
 * clamped to [−1, 1] so rounding at the edges never leaks out of the contract.
 */
export function activeScore(agent: AgentName, symbol: string, score: number, reason: string, inputs: Inputs): AgentScore {
  if (!Number.isFinite(score)) throw new Error(`${agent} agent: score for ${symbol} must be finite, got ${score}`);
  return { agent, symbol, score: Math.max(-1, Math.min(1, score)), active: true, reason, inputs };
}

/** An agent that does not vote: score 0, with the reason it sat out. */
export function inactiveScore(agent: AgentName, symbol: string, reason: string, inputs: Inputs = {}): AgentScore {
  return { agent, symbol, score: 0, active: false, reason, inputs };
}
