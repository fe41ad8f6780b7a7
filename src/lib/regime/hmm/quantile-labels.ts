import type { FlatObservations } from "./observations";

/** Deterministic labelling: state k gets the k-th of K equal-count quantile bins of one feature. */
export function quantileLabels({ x, T, D }: FlatObservations, K: number, feature: number): Int32Array {
  const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => x[a * D + feature]! - x[b * D + feature]! || a - b);
  const labels = new Int32Array(T);
  order.forEach((t, rank) => {
    labels[t] = Math.min(K - 1, Math.floor((rank * K) / T));
  });
  return labels;
}
