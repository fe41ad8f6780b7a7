/** The signal agents that vote in the synthesizer. */
export const AGENT_NAMES = ["quant", "market", "momentum", "sentiment", "regime", "derivatives"] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** One agent's view of one ticker: a score in [−1, 1] (negative bearish), or inactive. */
export interface AgentScore {
  agent: AgentName;
  symbol: string;
  score: number;
  /** Inactive agents do not vote (conditional activation, missing inputs, untrained model). */
  active: boolean;
  reason: string;
  inputs: Record<string, number | string | null>;
}

export type AgentWeights = Record<AgentName, number>;
