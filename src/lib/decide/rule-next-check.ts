import type { GateConfig } from "../config";
import { TIMEFRAME_MS } from "../market/timeframe";

/**
 * When a rule decider wants to look again: its signals change only when a decision-timeframe candle
 * closes (which wakes the gate anyway), so its own timer is that length, within the timer's bounds.
 */
export function ruleNextCheckSeconds(gate: GateConfig): number {
  return Math.min(gate.maxNextCheckSeconds, Math.max(gate.minNextCheckSeconds, TIMEFRAME_MS[gate.decisionTimeframe] / 1000));
}
