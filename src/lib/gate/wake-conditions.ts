import type { WakeCondition, WakeMetric } from "./types";

export interface MetricValues {
  price: number;
  zRet: number;
  zVol: number;
}

function metricValue(values: MetricValues, metric: WakeMetric): number {
  return metric === "price" ? values.price : metric === "zRet" ? values.zRet : values.zVol;
}

/** Whether `cond` is met by the current value; crosses_* need the previous value (`cond.last`). */
export function isConditionMet(cond: WakeCondition, value: number): boolean {
  switch (cond.operator) {
    case "gt":
      return value > cond.threshold;
    case "lt":
      return value < cond.threshold;
    case "crosses_above":
      return cond.last !== null && cond.last <= cond.threshold && value > cond.threshold;
    case "crosses_below":
      return cond.last !== null && cond.last >= cond.threshold && value < cond.threshold;
    case "abs_change_pct_gt":
      return cond.reference !== null && cond.reference !== 0 && Math.abs(value / cond.reference - 1) * 100 > cond.threshold;
  }
}

export function describeCondition(cond: WakeCondition, value: number): string {
  return `${cond.symbol} ${cond.metric} ${cond.operator} ${cond.threshold} (now ${value}): ${cond.reason}`;
}

export interface ConditionCheck {
  fired: WakeCondition | null;
  value: number;
  /** Conditions with `last` updated; the same array when nothing for this symbol needs tracking. */
  conditions: WakeCondition[];
}

/**
 * Checks the conditions of `symbol` against a tick. Returns the first that fires and the list with
 * crosses_* memories advanced. Allocates only when the symbol has conditions.
 */
export function checkConditions(conditions: WakeCondition[], symbol: string, values: MetricValues): ConditionCheck {
  let next: WakeCondition[] | null = null;
  let fired: WakeCondition | null = null;
  let firedValue = 0;
  for (let i = 0; i < conditions.length; i++) {
    const cond = conditions[i]!;
    if (cond.symbol !== symbol) continue;
    const value = metricValue(values, cond.metric);
    if (!fired && isConditionMet(cond, value)) {
      fired = cond;
      firedValue = value;
    }
    if (cond.operator === "crosses_above" || cond.operator === "crosses_below") {
      next ??= conditions.slice();
      next[i] = { ...cond, last: value };
    }
  }
  return { fired, value: firedValue, conditions: next ?? conditions };
}
