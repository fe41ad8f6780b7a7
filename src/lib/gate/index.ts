export * from "./types";
export { evaluateGate } from "./evaluate";
export { completeDecision, failDecision, clampNextCheckSeconds, type DecisionOutcome, type WakeConditionRequest } from "./schedule";
export { isConditionMet, checkConditions } from "./wake-conditions";
