import type { EquityPoint } from "./types";

/**
 * Drawdown of each point from the running peak, as a fraction ≤ 0. Before the peak is positive there is
 * nothing to fall from, so those points are 0.
 */
export function computeDrawdown(equity: readonly EquityPoint[]): { t: number; drawdown: number }[] {
  let peak = -Infinity;
  return equity.map(({ t, equity: v }) => {
    if (v > peak) peak = v;
    return { t, drawdown: peak > 0 ? Math.min(0, v / peak - 1) : 0 };
  });
}
