import type { ExitConfig } from "../config";
import type { PositionVerdict } from "../decide/decision";
import type { PositionSide } from "../futures/side";

/** +1 for a long, −1 for a short: a move times this is the move in the position's favour. */
const dir = (f: Pick<ReviewFacts, "side">): 1 | -1 => (f.side === "short" ? -1 : 1);

/** What the rule-based re-evaluation looks at, all at the time of the review (and at entry). */
export interface ReviewFacts {
  /** Absent: a long. A short reads every price move the other way (its gain is the price falling). */
  side?: PositionSide | undefined;
  entryPrice: number;
  /** The most favourable price since entry (a short's trough). */
  peakPrice: number;
  price: number;
  heldMs: number;
  entryRegime: "trending" | "ranging" | null;
  regime: "trending" | "ranging" | null;
  /** ATR% of the decision timeframe at entry and now. */
  entryAtrPct: number | null;
  atrPct: number | null;
  /** momentum14 of the decision timeframe at entry and now (fractions). */
  entryMomentum: number | null;
  momentum: number | null;
  /** BTC's return over the last hour (fraction), the market-wide risk. */
  btcReturn1h: number | null;
}

export interface ReviewSignals {
  regimeChange: number;
  momentumReversal: number;
  correlationRisk: number;
  pnlTrajectory: number;
  timeDecay: number;
}

export interface ReviewResult {
  action: PositionVerdict;
  score: number;
  signals: ReviewSignals;
  reason: string;
}

const HOUR = 3_600_000;

function regimeChange(f: ReviewFacts): number {
  const volJump = f.entryAtrPct !== null && f.atrPct !== null && f.entryAtrPct > 0 && f.atrPct >= 1.5 * f.entryAtrPct;
  if (volJump || (f.entryRegime === "trending" && f.regime === "ranging")) return -0.8;
  if (f.regime === "trending" && f.entryRegime === "trending") return 0.6;
  return 0;
}

function momentumReversal(f: ReviewFacts): number {
  if (f.momentum === null) return 0;
  // Momentum in the position's favour: a long's rising, a short's falling.
  const m = dir(f) * f.momentum;
  const entry = f.entryMomentum === null ? null : dir(f) * f.entryMomentum;
  if (m < 0 && (entry === null || entry >= 0)) return -0.7;
  if (m > 0.02) return 0.8;
  return 0;
}

function correlationRisk(f: ReviewFacts): number {
  if (f.btcReturn1h === null) return 0;
  // The market's hour against the position: BTC falling hurts a long, rising hurts a short.
  const r = dir(f) * f.btcReturn1h;
  if (r <= -0.05) return -0.9;
  if (r <= -0.02) return -0.4;
  if (r >= 0.01) return 0.5;
  return 0;
}

function pnlTrajectory(f: ReviewFacts): number {
  const peakGain = dir(f) * (f.peakPrice / f.entryPrice - 1);
  const gain = dir(f) * (f.price / f.entryPrice - 1);
  if (peakGain >= 0.03 && gain < peakGain / 3) return -0.6;
  if (gain >= 0.03 && gain >= peakGain * 0.9) return 0.6;
  return 0;
}

function timeDecay(f: ReviewFacts): number {
  const gain = f.price / f.entryPrice - 1;
  return f.heldMs > 48 * HOUR && Math.abs(gain) < 0.01 ? -0.5 : 0;
}

/**
 * The seeds' 5-signal re-evaluation of an open position, used when Claude is not asked: each signal in
 * [−1, 1], weighted (regime change 0.25, momentum reversal 0.25, correlation risk 0.20, PnL trajectory
 * 0.15, time decay 0.15); EXIT below −0.3, ADD above 0.4, otherwise HOLD.
 */
export function evaluatePosition(f: ReviewFacts, cfg: ExitConfig): ReviewResult {
  const signals: ReviewSignals = {
    regimeChange: regimeChange(f),
    momentumReversal: momentumReversal(f),
    correlationRisk: correlationRisk(f),
    pnlTrajectory: pnlTrajectory(f),
    timeDecay: timeDecay(f),
  };
  const w = cfg.reviewWeights;
  const score =
    w.regimeChange * signals.regimeChange +
    w.momentumReversal * signals.momentumReversal +
    w.correlationRisk * signals.correlationRisk +
    w.pnlTrajectory * signals.pnlTrajectory +
    w.timeDecay * signals.timeDecay;
  const action: PositionVerdict = score < cfg.reviewExitBelow ? "EXIT" : score > cfg.reviewAddAbove ? "ADD" : "HOLD";
  const parts = (Object.keys(signals) as (keyof ReviewSignals)[]).filter((k) => signals[k] !== 0).map((k) => `${k} ${signals[k]}`);
  return { action, score, signals, reason: `score ${score.toFixed(3)} (${parts.join(", ") || "no signal"}) → ${action}` };
}

/**
 * Why a position the evaluator would keep is at risk, or null: its score is within reach of an exit, or its loss is
 * `reviewRiskStopShare` of the way to the hard stop. An at-risk position wakes the decider (Claude looks at every open
 * position inside one decision); an EXIT verdict needs no one and exits on its own.
 */
export function reviewRisk(r: ReviewResult, f: ReviewFacts, cfg: ExitConfig): string | null {
  if (r.action === "EXIT") return null;
  if (r.score <= cfg.reviewRiskBelow) return `5-signal ${r.reason}; at or below the risk line ${cfg.reviewRiskBelow} (exit below ${cfg.reviewExitBelow})`;
  const loss = -dir(f) * (f.price / f.entryPrice - 1);
  if (cfg.hardStopPct > 0 && loss >= cfg.hardStopPct * cfg.reviewRiskStopShare) {
    return `down ${(loss * 100).toFixed(1)}% from entry, ${Math.round((loss / cfg.hardStopPct) * 100)}% of the way to the ${(cfg.hardStopPct * 100).toFixed(0)}% hard stop`;
  }
  return null;
}

/** A review's verdict on one position, as recorded and as the position applies it. */
export interface ReviewOutcome {
  action: PositionVerdict;
  confidence: number;
  reason: string;
  source: string;
  /** Why the position is at risk (the decider is woken to look at it), or null. */
  risk: string | null;
}

/** Layer 2 of position monitoring: the 5-signal evaluator's verdict, with why a kept position is at risk. */
export function reviewOutcome(f: ReviewFacts, cfg: ExitConfig): ReviewOutcome {
  const r = evaluatePosition(f, cfg);
  return { action: r.action, confidence: Math.min(1, Math.abs(r.score)), reason: r.reason, source: "rule:5-signal", risk: reviewRisk(r, f, cfg) };
}
