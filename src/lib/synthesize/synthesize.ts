import { AGENT_NAMES, type AgentName, type AgentScore, type AgentWeights } from "../agents/types";
import type { CombinedRegime } from "../regime/types";
import { activeAgents } from "./activation";
import type { SynthesizerConfig } from "./config";
import type { Contribution, SynthesisAction, SynthesisResult } from "./types";

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
const fmt = (x: number) => x.toFixed(3);

function statusOf(agent: AgentName, s: AgentScore | undefined, allowed: ReadonlySet<AgentName>, weight: number): string {
  if (s === undefined) return "missing";
  if (!s.active) return `inactive: ${s.reason}`;
  if (!allowed.has(agent)) return "not active in this regime";
  return weight > 0 ? "voting" : "zero weight";
}

/**
 * The weighted vote of one ticker's agents. An agent votes when it is active, the activation table
 * allows it in `regime` (activeAgents) and its weight is positive; the weights are renormalised over
 * the voters, so score = Σ wᵢsᵢ / Σ wᵢ. BUY when score > buyThreshold, SELL when score <
 * sellThreshold (strictly: a score at a threshold holds), and either only when at least minAgreeing
 * voters' scores have the action's sign; otherwise HOLD.
 */
export function synthesize(scores: readonly AgentScore[], weights: AgentWeights, cfg: SynthesizerConfig, regime: CombinedRegime | null): SynthesisResult {
  const symbol = scores[0]?.symbol;
  if (symbol === undefined) throw new Error("synthesize: no agent scores");
  const byAgent = new Map<AgentName, AgentScore>();
  for (const s of scores) {
    if (s.symbol !== symbol) throw new Error(`synthesize: scores mix ${symbol} and ${s.symbol}`);
    if (byAgent.has(s.agent)) throw new Error(`synthesize: two scores from the ${s.agent} agent`);
    if (!Number.isFinite(s.score)) throw new Error(`synthesize: ${s.agent} score must be finite, got ${s.score}`);
    byAgent.set(s.agent, s);
  }
  const allowed = new Set(activeAgents(regime, cfg));
  const statuses: string[] = [];
  let total = 0;
  for (const agent of AGENT_NAMES) {
    const w = weights[agent];
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`synthesize: weight of ${agent} must be finite and >= 0, got ${w}`);
    const status = statusOf(agent, byAgent.get(agent), allowed, w);
    statuses.push(status);
    if (status === "voting") total += w;
  }
  const contributions = {} as Record<AgentName, Contribution>;
  const active: AgentName[] = [];
  let score = 0;
  for (let i = 0; i < AGENT_NAMES.length; i++) {
    const agent = AGENT_NAMES[i]!;
    const s = byAgent.get(agent);
    const status = statuses[i]!;
    const voting = status === "voting";
    const normalizedWeight = voting ? weights[agent] / total : 0;
    const value = s?.score ?? 0;
    contributions[agent] = { score: value, weight: weights[agent], normalizedWeight, contribution: normalizedWeight * value, voting, status };
    if (voting) {
      active.push(agent);
      score += normalizedWeight * value;
    }
  }
  score = Math.max(-1, Math.min(1, score));
  const agreeingWith = (direction: number) => active.filter((a) => sign(contributions[a].score) === direction).length;
  const votes = active.map((a) => `${a} ${fmt(contributions[a].score)}×${fmt(contributions[a].normalizedWeight)}`).join(", ");
  if (active.length === 0) {
    return { symbol, score: 0, action: "HOLD", agreeing: 0, active, reason: "HOLD: no agent votes", contributions };
  }
  let action: SynthesisAction = "HOLD";
  let reason = `HOLD: score ${fmt(score)} within [${cfg.sellThreshold}, ${cfg.buyThreshold}]`;
  const candidate: SynthesisAction | null = score > cfg.buyThreshold ? "BUY" : score < cfg.sellThreshold ? "SELL" : null;
  const agreeing = agreeingWith(sign(score));
  if (candidate !== null) {
    const threshold = candidate === "BUY" ? `> ${cfg.buyThreshold}` : `< ${cfg.sellThreshold}`;
    if (agreeing >= cfg.minAgreeing) {
      action = candidate;
      reason = `${candidate}: score ${fmt(score)} ${threshold} with ${agreeing} agreeing agents`;
    } else {
      reason = `HOLD: score ${fmt(score)} ${threshold} but only ${agreeing} agreeing agent(s), need ${cfg.minAgreeing}`;
    }
  }
  return { symbol, score, action, agreeing, active, reason: `${reason} (${votes})`, contributions };
}
