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

/**
 * Input tokens a request of `chars` characters is charged at most. Claude's tokenizer averages 3.5–4 characters a
 * token on English and JSON; 3 keeps the estimate on the high side, so a call the API never answered is not booked
 * below what it may have cost.
 */
export function estimateInputTokens(chars: number): number {
  return Math.ceil(chars / 3);
}

/**
 * What a call is booked at: its answer's usage; when the API answered none (a timeout, a dropped connection, a 5xx
 * without a body) the input it was sent, which the API may have charged.
 */
export function bookedUsage(usage: Usage | null, sentInputTokens: number | null): Usage | null {
  if (usage) return usage;
  return sentInputTokens === null ? null : { input_tokens: sentInputTokens, output_tokens: 0 };
}

/** The most a call can cost: its estimated input at the input price and every output token it may write. */
export function worstCaseUsd(sentInputTokens: number, maxTokens: number, price: ModelPrice): number {
  return costUsd({ input_tokens: sentInputTokens, output_tokens: maxTokens }, price);
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
  /** Calls and spend of decisions woken to review positions at risk (absent in days booked before they were told apart). */
  reviewCalls?: number;
  reviewCostUsd?: number;
}

/** What a call is for: a review may spend only its share of the day, the rest is kept for entry decisions. */
export type CallPurpose = "decision" | "review";

export function emptyDay(day: number): DayUsage {
  return { day, calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0, reviewCalls: 0, reviewCostUsd: 0 };
}

export function addUsage(d: DayUsage, usage: Usage | null, cost: number, failed: boolean, purpose: CallPurpose = "decision"): DayUsage {
  const review = purpose === "review";
  return {
    day: d.day,
    calls: d.calls + 1,
    failures: d.failures + (failed ? 1 : 0),
    inputTokens: d.inputTokens + (usage?.input_tokens ?? 0),
    outputTokens: d.outputTokens + (usage?.output_tokens ?? 0),
    cacheWriteTokens: d.cacheWriteTokens + (usage?.cache_creation_input_tokens ?? 0),
    cacheReadTokens: d.cacheReadTokens + (usage?.cache_read_input_tokens ?? 0),
    costUsd: d.costUsd + cost,
    reviewCalls: (d.reviewCalls ?? 0) + (review ? 1 : 0),
    reviewCostUsd: (d.reviewCostUsd ?? 0) + (review ? cost : 0),
  };
}
