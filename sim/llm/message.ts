import type { ContentSpec, StopReason } from "./modes";
import { tokensOf, type Usage } from "./usage";

/** Counter-based ids, so a session answers the same sequence of calls with the same ids every run. */
export const simId = (prefix: "msg" | "toolu" | "req", n: number): string => `${prefix}_sim_${String(n).padStart(6, "0")}`;

export type ContentBlock = { type: "tool_use"; id: string; name: string; input: unknown; caller: { type: "direct" } } | { type: "text"; text: string; citations: null };

/** A Messages API response body (non-streaming). */
export interface MessageBody {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Usage;
}

/** Output tokens of content: a quarter of the characters of each text, or of each tool input's JSON. */
export function outputTokensOf(content: readonly ContentSpec[]): number {
  let chars = 0;
  for (const b of content) chars += b.type === "text" ? b.text.length : JSON.stringify(b.input ?? {}).length;
  return tokensOf(chars);
}

export function buildMessage(o: { id: string; model: string; content: readonly ContentSpec[]; stopReason: StopReason; usage: Usage; toolId: () => string }): MessageBody {
  const content = o.content.map((b): ContentBlock =>
    b.type === "text" ? { type: "text", text: b.text, citations: null } : { type: "tool_use", id: o.toolId(), name: b.name, input: b.input, caller: { type: "direct" } },
  );
  return { id: o.id, type: "message", role: "assistant", model: o.model, content, stop_reason: o.stopReason, stop_sequence: null, usage: o.usage };
}
