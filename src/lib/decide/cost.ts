import type { Usage } from "./answer";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export function costUsd(usage: Usage, price: ModelPrice): number {
  return (
    (usage.input_tokens * price.input +
      usage.output_tokens * price.output +
      (usage.cache_creation_input_tokens ?? 0) * price.cacheWrite +
      (usage.cache_read_input_tokens ?? 0) * price.cacheRead) /
    1_000_000
  );
}

export interface DayUsage {
  day: number;
  calls: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

export function emptyDay(day: number): DayUsage {
  return { day, calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 };
}

export function addUsage(d: DayUsage, usage: Usage | null, cost: number, failed: boolean): DayUsage {
  return {
    day: d.day,
    calls: d.calls + 1,
    failures: d.failures + (failed ? 1 : 0),
    inputTokens: d.inputTokens + (usage?.input_tokens ?? 0),
    outputTokens: d.outputTokens + (usage?.output_tokens ?? 0),
    cacheWriteTokens: d.cacheWriteTokens + (usage?.cache_creation_input_tokens ?? 0),
    cacheReadTokens: d.cacheReadTokens + (usage?.cache_read_input_tokens ?? 0),
    costUsd: d.costUsd + cost,
  };
}
