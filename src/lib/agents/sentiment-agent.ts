import { activeScore, inactiveScore } from "./agent-score";
import type { AgentScore } from "./types";

/**
 * The sentiment agent: passes through an external sentiment reading in [−1, 1] (clamped). No source
 * is configured in this engine, so with `value` null it is neutral and inactive: it never votes 0 as
 * though it had an opinion, and the synthesizer renormalises its weight onto the other agents.
 */
export function sentimentAgent(symbol: string, value: number | null, source = "external"): AgentScore {
  if (value === null) return inactiveScore("sentiment", symbol, "no sentiment source configured", { sentiment: null });
  if (!Number.isFinite(value)) throw new Error(`sentiment agent: value for ${symbol} must be finite, got ${value}`);
  const score = Math.max(-1, Math.min(1, value));
  return activeScore("sentiment", symbol, score, `${source} sentiment ${score.toFixed(3)}`, { sentiment: value, source });
}
