import type { ExitConfig } from "../config";
import type { PositionVerdict } from "../decide/decision";

/** What the rule-based re-evaluation looks at, all at the time of the review (and at entry). */
export interface ReviewFacts {
  entryPrice: number;
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
  if (f.momentum < 0 && (f.entryMomentum === null || f.entryMomentum >= 0)) return -0.7;
  if (f.momentum > 0.02) return 0.8;
  return 0;
}

function correlationRisk(f: ReviewFacts): number {
  if (f.btcReturn1h === null) return 0;
  if (f.btcReturn1h <= -0.05) return -0.9;
  if (f.btcReturn1h <= -0.02) return -0.4;
  if (f.btcReturn1h >= 0.01) return 0.5;
  return 0;
}

function pnlTrajectory(f: ReviewFacts): number {
  const peakGain = f.peakPrice / f.entryPrice - 1;
  const gain = f.price / f.entryPrice - 1;
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
  const loss = 1 - f.price / f.entryPrice;
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
