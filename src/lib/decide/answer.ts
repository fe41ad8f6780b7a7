import { z } from "zod";
import type { MarketSnapshot } from "./snapshot-schema";
import type { Decision } from "./decision";

const BlockSchema = z.object({ type: z.string(), name: z.string().optional(), input: z.unknown().optional(), text: z.string().optional() });

export const UsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullable().optional(),
  cache_read_input_tokens: z.number().int().nonnegative().nullable().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** A model's answer to one decision request. */
export interface ModelAnswer {
  /** The decision as the model gave it (not yet checked against the snapshot or clamped), or null. */
  decision: Decision | null;
  failure: string | null;
  raw: unknown;
  usage: Usage | null;
  latencyMs: number;
}

const MessageSchema = z.object({
  model: z.string(),
  content: z.array(BlockSchema),
  stop_reason: z.string().nullable(),
  usage: UsageSchema,
});

export type AnswerResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const issues = (e: z.ZodError) =>
  e.issues
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ")
    .slice(0, 500);

/** The usage block of a Messages API answer, if it has a valid one. */
export function usageOf(message: unknown): Usage | null {
  const r = z.object({ usage: UsageSchema }).safeParse(message);
  return r.success ? r.data.usage : null;
}

/**
 * Reads the single call of `tool` from a Messages API answer and validates its input. Text answers,
 * truncated answers, other tools and invalid input are failures with a reason: nothing here is guessed.
 */
export function parseToolAnswer<S extends z.ZodType>(message: unknown, tool: string, schema: S): AnswerResult<z.infer<S>> {
  const m = MessageSchema.safeParse(message);
  if (!m.success) return { ok: false, reason: `answer is not a Messages API message: ${issues(m.error)}` };
  if (m.data.stop_reason === "max_tokens") return { ok: false, reason: "answer was cut off at max_tokens" };
  const calls = m.data.content.filter((b) => b.type === "tool_use");
  if (calls.length === 0) {
    const text = m.data.content.find((b) => b.type === "text")?.text ?? "";
    return { ok: false, reason: `no ${tool} tool call (answer was ${text ? `text: "${text.slice(0, 120)}"` : "empty"})` };
  }
  if (calls.length > 1) return { ok: false, reason: `${calls.length} tool calls, expected one ${tool}` };
  const call = calls[0]!;
  if (call.name !== tool) return { ok: false, reason: `called tool ${call.name ?? "(unnamed)"}, expected ${tool}` };
  const input = schema.safeParse(call.input);
  if (!input.success) return { ok: false, reason: `invalid ${tool} input: ${issues(input.error)}` };
  return { ok: true, value: input.data };
}

/** Every ticker and wake-condition symbol must be one of the snapshot's, each ticker decided once. */
export function checkSymbols(d: { decisions: { ticker: string }[]; wake_conditions: { symbol: string }[] }, snapshot: MarketSnapshot): string | null {
  const known = new Set(snapshot.tickers.map((t) => t.symbol));
  const seen = new Set<string>();
  for (const x of d.decisions) {
    if (!known.has(x.ticker)) return `decision for unknown ticker ${x.ticker}`;
    if (seen.has(x.ticker)) return `ticker ${x.ticker} decided twice`;
    seen.add(x.ticker);
  }
  for (const w of d.wake_conditions) if (!known.has(w.symbol)) return `wake condition on unknown symbol ${w.symbol}`;
  return null;
}
