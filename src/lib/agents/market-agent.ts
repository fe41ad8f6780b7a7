import type { Signal } from "../strategy/strategy";
import { activeScore, inactiveScore } from "./agent-score";
import type { AgentScore } from "./types";

const VOTE: Record<Signal["action"], number> = { LONG: 1, SHORT: -1, CLOSE: -1, PASS: 0 };

/**
 * The market agent: the vote of the enabled strategies on one ticker. LONG counts +confidence, SHORT
 * and CLOSE −confidence (a spot engine reads both as "be out"), PASS abstains. The score is the mean
 * over the strategies that did not pass; the agent is inactive when every strategy passed (or none
 * spoke). Signals of other symbols are ignored, and so are strategies outside `enabled` when given;
 * if a strategy appears twice, its latest signal (largest `at`) counts.
 */
export function marketAgent(symbol: string, signals: readonly Signal[], enabled?: readonly string[]): AgentScore {
  const allowed = enabled === undefined ? null : new Set(enabled);
  const latest = new Map<string, Signal>();
  for (const s of signals) {
    if (s.symbol !== symbol || (allowed !== null && !allowed.has(s.strategy))) continue;
    if (!Number.isFinite(s.confidence)) throw new Error(`market agent: ${s.strategy} confidence must be finite, got ${s.confidence}`);
    const prev = latest.get(s.strategy);
    if (prev === undefined || s.at >= prev.at) latest.set(s.strategy, s);
  }
  const counts = { LONG: 0, SHORT: 0, CLOSE: 0, PASS: 0 };
  let sum = 0;
  const parts: string[] = [];
  for (const s of latest.values()) {
    counts[s.action]++;
    if (s.action === "PASS") continue;
    const confidence = Math.max(0, Math.min(1, s.confidence));
    sum += VOTE[s.action] * confidence;
    parts.push(`${s.strategy} ${s.action} ${confidence.toFixed(2)}`);
  }
  const voters = counts.LONG + counts.SHORT + counts.CLOSE;
  const inputs = { strategies: latest.size, long: counts.LONG, short: counts.SHORT, close: counts.CLOSE, pass: counts.PASS };
  if (voters === 0) {
    return inactiveScore("market", symbol, latest.size === 0 ? "no enabled strategy signalled" : `all ${latest.size} strategies passed`, inputs);
  }
  const score = sum / voters;
  return activeScore("market", symbol, score, `mean of ${voters} strategy votes ${score.toFixed(3)}: ${parts.join(", ")}`, inputs);
}
