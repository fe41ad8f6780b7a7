import type { WalkForwardPrediction } from "./walk-forward";

export interface WalkForwardSummary {
  /** Days whose every prediction has a realised label. */
  days: number;
  predictions: number;
  /** Share of label-1 outcomes: the hit rate of a random pick (1/3 with three assets). */
  baseRate: number;
  /** Share of days on which the asset with the highest probability was in the top quantile. */
  topPickHitRate: number;
  /** Standard error of a hit rate at the base rate with one independent observation per horizon. */
  hitRateStdError: number;
  topPickMeanReturn: number;
  universeMeanReturn: number;
  /** Mean squared error of the probabilities, and of always predicting the model's base rate. */
  brier: number;
  brierAtBaseRate: number;
}

/**
 * Summarises out-of-sample predictions day by day. Daily predictions of a `horizonDays` label overlap,
 * so only about days/horizon of them are independent: the standard error uses that count.
 */
export function evaluateWalkForward(predictions: readonly WalkForwardPrediction[], horizonDays: number): WalkForwardSummary {
  const byDay = new Map<number, WalkForwardPrediction[]>();
  for (const p of predictions) byDay.set(p.at, [...(byDay.get(p.at) ?? []), p]);
  let days = 0;
  let rows = 0;
  let positives = 0;
  let hits = 0;
  let topReturn = 0;
  let allReturn = 0;
  let brier = 0;
  let brierBase = 0;
  for (const day of byDay.values()) {
    if (!day.every((p) => p.label !== null && p.forwardReturn !== null)) continue;
    days++;
    const top = day.reduce((best, p) => (p.probability > best.probability ? p : best));
    if (top.label === 1) hits++;
    topReturn += top.forwardReturn!;
    allReturn += day.reduce((s, p) => s + p.forwardReturn!, 0) / day.length;
    for (const p of day) {
      rows++;
      positives += p.label!;
      brier += (p.probability - p.label!) ** 2;
      brierBase += (p.baseRate - p.label!) ** 2;
    }
  }
  const baseRate = rows === 0 ? 0 : positives / rows;
  const independent = Math.max(1, Math.floor(days / horizonDays));
  return {
    days,
    predictions: rows,
    baseRate,
    topPickHitRate: days === 0 ? 0 : hits / days,
    hitRateStdError: Math.sqrt((baseRate * (1 - baseRate)) / independent),
    topPickMeanReturn: days === 0 ? 0 : topReturn / days,
    universeMeanReturn: days === 0 ? 0 : allReturn / days,
    brier: rows === 0 ? 0 : brier / rows,
    brierAtBaseRate: rows === 0 ? 0 : brierBase / rows,
  };
}
