import { ruleNextCheckSeconds } from "./rule-next-check";
import { derivativesAgent, type DerivativesInputs } from "../agents/derivatives-agent";
import { marketAgent } from "../agents/market-agent";
import { momentumAgent } from "../agents/momentum-agent";
import { quantAgent } from "../agents/quant-agent";
import type { QuantModel, QuantScores } from "../agents/quant/model";
import { recentFunding } from "../agents/recent-funding";
import { regimeAgent } from "../agents/regime-agent";
import { sentimentAgent } from "../agents/sentiment-agent";
import type { AgentScore, AgentWeights } from "../agents/types";
import type { EngineConfig } from "../config";
import type { CombinedRegime } from "../regime/types";
import type { Signal, StrategyContext } from "../strategy/strategy";
import { evaluateStrategies } from "../strategy/registry";
import type { StrategyConfigs } from "../strategy/strategy-configs";
import { synthesize } from "../synthesize/synthesize";
import type { SynthesisResult } from "../synthesize/types";
import { opensPosition, type Decision, type TradeAction, type TradeDecision } from "./decision";
import { heldSides, type Holding } from "./held-sides";
import type { MarketSnapshot } from "./snapshot-schema";

export const SYNTHESIS_DECIDER = "rule:synthesizer";

/** Everything the rule pipeline needs per ticker besides the snapshot, all point in time. */
export interface TickerPipelineInput {
  context: StrategyContext;
  regime: CombinedRegime | null;
  /** Daily closes (closed candles only, oldest first) for the momentum agent. */
  dailyCloses: number[];
  sentiment: number | null;
  weights: { weights: AgentWeights; source: string };
  /** The derivatives agent's inputs beyond funding (null where no source provides them). */
  derivatives?: Omit<DerivativesInputs, "funding">;
}

const NO_MORE_DERIVATIVES: Omit<DerivativesInputs, "funding"> = { takerDelta: null, longShortRatio: null, openInterestChange: null, priceChange: null };

export interface PipelineInput {
  tickers: Record<string, TickerPipelineInput>;
  strategies: StrategyConfigs;
  quantModel: QuantModel | null;
  quantScores: QuantScores | null;
}

export interface TickerVote {
  symbol: string;
  regime: CombinedRegime | null;
  signals: Signal[];
  scores: AgentScore[];
  result: SynthesisResult;
  weights: { weights: AgentWeights; source: string };
}

/** Each active agent's score, by agent, in the scores' order. */
function activeScores(scores: readonly AgentScore[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of scores) if (s.active) out[s.agent] = s.score;
  return out;
}

/**
 * The rule pipeline: the enabled strategies' signals, six agents scoring each ticker, and the
 * synthesizer's weighted vote (learned weights when the learner has enough trades). BUY only when
 * flat, SELL only when holding; the size is the configured fraction scaled by the macro regime.
 */
export function decideBySynthesis(snapshot: MarketSnapshot, input: PipelineInput, cfg: Pick<EngineConfig, "risk" | "gate" | "synthesizer">): { decision: Decision; votes: TickerVote[] } {
  const held = heldSides(snapshot);
  const shorts = snapshot.limits.shorts === true;
  const votes: TickerVote[] = [];
  const decisions: TradeDecision[] = [];
  for (const t of snapshot.tickers) {
    const p = input.tickers[t.symbol];
    if (!p) continue;
    const signals = evaluateStrategies(p.context, input.strategies);
    const scores: AgentScore[] = [
      quantAgent(t.symbol, input.quantModel, input.quantScores),
      marketAgent(t.symbol, signals),
      momentumAgent(t.symbol, p.dailyCloses),
      sentimentAgent(t.symbol, p.sentiment),
      regimeAgent(t.symbol, p.regime),
      derivativesAgent(t.symbol, { funding: recentFunding(p.context.funding, p.context.now), ...(p.derivatives ?? NO_MORE_DERIVATIVES) }),
    ];
    const result = synthesize(scores, p.weights.weights, cfg.synthesizer, p.regime);
    votes.push({ symbol: t.symbol, regime: p.regime, signals, scores, result, weights: p.weights });
    const [action, reasoning] = voteAction(result.action, held.get(t.symbol) ?? null, shorts, result.reason);
    const scale = p.regime?.exposureScale ?? 1;
    decisions.push({
      ticker: t.symbol,
      action,
      position_pct: opensPosition(action) ? Math.min(1, cfg.risk.positionPct * scale) : 0,
      confidence: action === "HOLD" ? 0 : Math.min(1, Math.abs(result.score)),
      reasoning,
      signal_weights: activeScores(scores),
    });
  }
  return {
    decision: {
      decisions,
      market_assessment: votes.map((v) => `${v.symbol} ${v.regime?.learnerKey ?? "no regime"} score ${v.result.score.toFixed(2)} → ${v.result.action}`).join("; ") || "no ticker with data",
      next_check_seconds: ruleNextCheckSeconds(cfg.gate),
      wake_conditions: [],
      memory_update: null,
    },
    votes,
  };
}

/**
 * What the synthesis's vote does given what is held: a BUY vote buys when flat and covers a short; a SELL vote sells a
 * long and, where shorts are allowed, shorts when flat; anything else holds (and says why).
 */
function voteAction(vote: TradeAction, held: Holding | null, shorts: boolean, reason: string): [TradeAction, string] {
  // A carry is market-neutral: directional votes neither add to it nor close it (its own strategy does).
  if (held === "carry" && vote !== "HOLD") return ["HOLD", `${vote} vote, but the ticker holds a funding carry: ${reason}`];
  if (vote === "BUY") {
    if (held === "short") return ["SELL", `BUY vote: cover the short: ${reason}`];
    return held === null ? ["BUY", reason] : ["HOLD", `BUY vote but already holding: ${reason}`];
  }
  if (vote === "SELL") {
    if (held === "long") return ["SELL", reason];
    if (held === "short") return ["HOLD", `SELL vote but already short: ${reason}`];
    return shorts ? ["SHORT", `SELL vote, flat: short: ${reason}`] : ["HOLD", `SELL vote but no position: ${reason}`];
  }
  return [vote, reason];
}
