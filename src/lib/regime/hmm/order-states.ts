import type { HmmModel } from "./types";

/**
 * Relabels states by ascending mean of `feature` (ties: ascending variance), so state 0 is the calmest
 * when `feature` is volatility and labels are stable across restarts, seeds and refits.
 */
export function orderStates(model: HmmModel, feature: number): HmmModel {
  const K = model.pi.length;
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => model.means[a]![feature]! - model.means[b]![feature]! || model.variances[a]![feature]! - model.variances[b]![feature]! || a - b);
  return {
    ...model,
    pi: order.map((k) => model.pi[k]!),
    A: order.map((i) => order.map((j) => model.A[i]![j]!)),
    means: order.map((k) => model.means[k]!.slice()),
    variances: order.map((k) => model.variances[k]!.slice()),
  };
}
