import { wakeCondition, type WakeCondition, type WakeMetric } from "./types";

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

/** Index of the first condition of `symbol` met by the tick, or -1. Allocation-free: runs on every tick. */
export function firstMetCondition(conditions: readonly WakeCondition[], symbol: string, values: MetricValues): number {
  for (let i = 0; i < conditions.length; i++) {
    const cond = conditions[i]!;
    if (cond.symbol === symbol && isConditionMet(cond, metricValue(values, cond.metric))) return i;
  }
  return -1;
}

/** The list with the crosses_* memories of `symbol` advanced; the same array when none needs it. */
export function advanceCrossings(conditions: WakeCondition[], symbol: string, values: MetricValues): WakeCondition[] {
  let next: WakeCondition[] | null = null;
  for (let i = 0; i < conditions.length; i++) {
    const cond = conditions[i]!;
    if (cond.symbol !== symbol || (cond.operator !== "crosses_above" && cond.operator !== "crosses_below")) continue;
    next ??= conditions.slice();
    next[i] = wakeCondition(cond, { last: metricValue(values, cond.metric) });
  }
  return next ?? conditions;
}

export function conditionValue(cond: WakeCondition, values: MetricValues): number {
  return metricValue(values, cond.metric);
}
