import { AGENT_NAMES, type AgentName } from "../agents/types";
import type { PositionClosedMessage } from "../execution/position-reports";
import type { LearnerConfig } from "./config";
import { posteriorIn, regimeBucket } from "./posterior";
import { alignment, outcomeReward } from "./reward";
import type { LearnerState, Posterior, PosteriorMap, RegimeBucket } from "./state";

/** One closed trade as the learner sees it. */
export interface TradeOutcome {
  /** Unique per trade (the position id); a repeated id is ignored. */
  tradeId: string;
  /** The regime key at entry (CombinedRegime.learnerKey); null updates the global posteriors only. */
  regime: string | null;
  /** Each agent's signal in [−1, 1] at entry; absent or 0 means the agent did not vote and learns nothing. */
  signals: Partial<Record<AgentName, number>>;
  /** Realised return as a fraction (0.05 = +5 %). */
  pnlPct: number;
}

/**
 * A position's close as the learner reads it: the signals of the engine's agents at entry, the net return. An agent's
 * signal is a call on the price, so on a short it is read against the price's move, not the trade's P&L: a bearish
 * agent behind a short that made money agreed (its signal is taken with the opposite sign). A leg of a position group
 * (the funding carry) is market-neutral with its partner: no agent is credited or blamed for it, and no regime tallies it.
 */
export function outcomeOfClose(msg: PositionClosedMessage): TradeOutcome {
  const signals: Partial<Record<AgentName, number>> = {};
  if (msg.group !== undefined) return { tradeId: msg.positionId, regime: null, signals, pnlPct: msg.pnlPct };
  const flip = msg.side === "short" ? -1 : 1;
  for (const [k, v] of Object.entries(msg.agentSignals ?? {})) if ((AGENT_NAMES as readonly string[]).includes(k)) signals[k as AgentName] = flip * v;
  return { tradeId: msg.positionId, regime: msg.regimeKey ?? null, signals, pnlPct: msg.pnlPct };
}

/**
 * Discounts the evidence beyond the prior, then adds the reward: α ← α₀ + γ(α − α₀) (same for β).
 * The excess over the prior then obeys e ← γe + r, so it stays below max r / (1 − γ): memory is bounded.
 *
 * A disagreeing agent gets β += reward, not the seed's literal β += (1 − reward): the latter would
 * punish a large loss less than a small one, since reward grows with |pnl|.
 */
function learn(p: Posterior, verdict: "agree" | "disagree", reward: number, cfg: LearnerConfig): Posterior {
  const { alpha: a0, beta: b0 } = cfg.prior;
  const alpha = a0 + cfg.discount * (p.alpha - a0);
  const beta = b0 + cfg.discount * (p.beta - b0);
  return verdict === "agree" ? { alpha: alpha + reward, beta, updates: p.updates + 1 } : { alpha, beta: beta + reward, updates: p.updates + 1 };
}

function learnAll(map: PosteriorMap, outcome: TradeOutcome, reward: number, cfg: LearnerConfig): PosteriorMap {
  const next: PosteriorMap = { ...map };
  for (const agent of AGENT_NAMES) {
    const signal = Object.hasOwn(outcome.signals, agent) ? outcome.signals[agent] : undefined;
    if (signal === undefined) continue;
    const verdict = alignment(signal, outcome.pnlPct);
    if (verdict !== null) next[agent] = learn(posteriorIn(map, agent, cfg), verdict, reward, cfg);
  }
  return next;
}

/**
 * Learns from one closed trade: updates the global posteriors and the trade's regime posteriors of
 * every agent whose signal agreed or disagreed with the outcome. Returns a new state (the input is
 * not changed); a trade id already in `recorded`, or a non-finite pnl, returns the state unchanged.
 */
export function recordOutcome(state: LearnerState, outcome: TradeOutcome, cfg: LearnerConfig): LearnerState {
  if (state.recorded.includes(outcome.tradeId) || !Number.isFinite(outcome.pnlPct)) return state;
  const reward = outcomeReward(outcome.pnlPct, cfg);
  const byRegime = { ...state.byRegime };
  if (outcome.regime !== null) {
    const bucket = regimeBucket(state, outcome.regime) ?? { trades: 0, posteriors: {} };
    const won = outcome.pnlPct > 0;
    const value: RegimeBucket = {
      trades: bucket.trades + 1,
      posteriors: learnAll(bucket.posteriors, outcome, reward, cfg),
      tallied: (bucket.tallied ?? 0) + 1,
      wins: (bucket.wins ?? 0) + (won ? 1 : 0),
      gain: (bucket.gain ?? 0) + (won ? outcome.pnlPct : 0),
      loss: (bucket.loss ?? 0) + (won ? 0 : -outcome.pnlPct),
    };
    // defineProperty, not assignment: a regime named "__proto__" must become a key, not a prototype.
    Object.defineProperty(byRegime, outcome.regime, { value, enumerable: true, writable: true, configurable: true });
  }
  return {
    global: learnAll(state.global, outcome, reward, cfg),
    byRegime,
    trades: state.trades + 1,
    recorded: [...state.recorded, outcome.tradeId].slice(-cfg.recordLimit),
  };
}
