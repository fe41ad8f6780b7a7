import type { LearnerConfig } from "./config";

/** The seed's sigmoid: 1 / (1 + exp(−|pnlPct| × scale)), in [0.5, 1); bigger moves weigh more. */
export function outcomeReward(pnlPct: number, cfg: Pick<LearnerConfig, "rewardScale">): number {
  return 1 / (1 + Math.exp(-Math.abs(pnlPct) * cfg.rewardScale));
}

/**
 * Whether an agent's signal agreed with a trade's outcome: "agree" for a positive signal and a profit
 * or a negative signal and a loss, "disagree" for the opposite, null (learn nothing) when the signal
 * is 0, the trade broke even, or either is not a finite number.
 */
export function alignment(signal: number, pnlPct: number): "agree" | "disagree" | null {
  if (!Number.isFinite(signal) || !Number.isFinite(pnlPct) || signal === 0 || pnlPct === 0) return null;
  return signal > 0 === pnlPct > 0 ? "agree" : "disagree";
}
