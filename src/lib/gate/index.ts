export * from "./types";
export { evaluateGate, evaluateTick, isCloseCovered } from "./evaluate";
export { completeDecision, failDecision, clampNextCheckSeconds, type DecisionOutcome, type WakeConditionRequest } from "./schedule";
export { isConditionMet, firstMetCondition, advanceCrossings } from "./wake-conditions";
export { verdictKey, foldLegacyCounts, type VerdictCounts } from "./verdict-counts";
export * from "./materiality";
