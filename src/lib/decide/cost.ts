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
    (usage.input_tokens * price.input + usage.output_tokens * price.output + (usage.cache_creation_input_tokens ?? 0) * price.cacheWrite + (usage.cache_read_input_tokens ?? 0) * price.cacheRead) /
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

/**
 * Adds one call's tokens and cost to the day. `counted`: the call was already counted when it was admitted (the
 * governor counts calls at admission, so a call lost to a crash still counts against the day's cap).
 */
export function addUsage(d: DayUsage, usage: Usage | null, cost: number, failed: boolean, purpose: CallPurpose = "decision", counted = false): DayUsage {
  const review = purpose === "review";
  const call = counted ? 0 : 1;
  return {
    day: d.day,
    calls: d.calls + call,
    failures: d.failures + (failed ? 1 : 0),
    inputTokens: d.inputTokens + (usage?.input_tokens ?? 0),
    outputTokens: d.outputTokens + (usage?.output_tokens ?? 0),
    cacheWriteTokens: d.cacheWriteTokens + (usage?.cache_creation_input_tokens ?? 0),
    cacheReadTokens: d.cacheReadTokens + (usage?.cache_read_input_tokens ?? 0),
    costUsd: d.costUsd + cost,
    reviewCalls: (d.reviewCalls ?? 0) + (review ? call : 0),
    reviewCostUsd: (d.reviewCostUsd ?? 0) + (review ? cost : 0),
  };
}

/** The day with one more call counted (at its admission). */
export function countCall(d: DayUsage, purpose: CallPurpose): DayUsage {
  return { ...d, calls: d.calls + 1, reviewCalls: (d.reviewCalls ?? 0) + (purpose === "review" ? 1 : 0) };
}

/** Whether the day's budget is spent, counting the worst case of the calls in flight. Pure: the governor and the backtester ask the same. */
export function budgetRefusal(spentUsd: number, inFlight: { calls: number; usd: number }, budgetUsd: number): string | null {
  if (spentUsd + inFlight.usd < budgetUsd) return null;
  const held = inFlight.calls > 0 ? ` (${inFlight.calls} call${inFlight.calls === 1 ? "" : "s"} in flight may spend ${inFlight.usd.toFixed(4)} more)` : "";
  return `daily LLM budget spent: ${spentUsd.toFixed(4)} of ${budgetUsd} USD${held}`;
}

export type CapRefusal = { reason: string; kind: "calls_capped" | "review_share" };

/**
 * Whether the day's call cap or the reviews' share refuses one more call of `purpose`. `day` counts the calls admitted
 * so far (in flight included); `reviewUsdInFlight` is the worst case of the reviews in flight. Pure: the governor and the
 * backtester ask the same.
 */
export function capRefusal(day: DayUsage, cfg: { maxCallsPerDay: number; reviewShare: number; dailyBudgetUsd: number }, purpose: CallPurpose, reviewUsdInFlight = 0): CapRefusal | null {
  if (day.calls >= cfg.maxCallsPerDay) return { kind: "calls_capped", reason: `daily Claude call cap reached: ${day.calls} of ${cfg.maxCallsPerDay} calls today` };
  if (purpose !== "review") return null;
  const maxCalls = Math.floor(cfg.maxCallsPerDay * cfg.reviewShare);
  const calls = day.reviewCalls ?? 0;
  const usd = (day.reviewCostUsd ?? 0) + reviewUsdInFlight;
  const maxUsd = cfg.dailyBudgetUsd * cfg.reviewShare;
  if (calls >= maxCalls || usd >= maxUsd) {
    return {
      kind: "review_share",
      reason: `reviews spent their share of the day (${calls} of ${maxCalls} calls, ${usd.toFixed(4)} of ${maxUsd.toFixed(4)} USD): the rest is kept for entry decisions`,
    };
  }
  return null;
}
