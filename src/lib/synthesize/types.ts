import type { AgentName } from "../agents/types";

export type SynthesisAction = "BUY" | "SELL" | "HOLD";

/** How one agent entered (or did not enter) the weighted vote. */
export interface Contribution {
  score: number;
  /** Weight as given. */
  weight: number;
  /** Weight renormalised over the voting agents; 0 when not voting. */
  normalizedWeight: number;
  /** normalizedWeight · score. */
  contribution: number;
  voting: boolean;
  /** Why it votes or not: "voting", "missing", "inactive: …", "not active in this regime", "zero weight". */
  status: string;
}

export interface SynthesisResult {
  symbol: string;
  /** Weighted mean of the voting agents' scores, in [−1, 1]; 0 when nobody votes. */
  score: number;
  action: SynthesisAction;
  /** Voting agents whose score has the sign of the action (of the score for HOLD). */
  agreeing: number;
  /** The agents that voted. */
  active: AgentName[];
  reason: string;
  contributions: Record<AgentName, Contribution>;
}
