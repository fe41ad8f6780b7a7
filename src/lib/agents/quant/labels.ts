/**
 * Top-quantile labels: 1 for the max(1, ⌊N·quantile⌋) largest forward returns of the cross-section
 * (with three assets and the default 0.25, the single best one), 0 for the rest. Ties keep input order.
 */
export function topQuantileLabels(forwardReturns: readonly number[], quantile: number): (0 | 1)[] {
  const k = Math.max(1, Math.floor(forwardReturns.length * quantile));
  const order = forwardReturns.map((r, i) => ({ r, i })).sort((a, b) => b.r - a.r || a.i - b.i);
  const labels: (0 | 1)[] = forwardReturns.map(() => 0);
  for (let rank = 0; rank < k && rank < order.length; rank++) labels[order[rank]!.i] = 1;
  return labels;
}
