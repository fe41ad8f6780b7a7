import { z } from "zod";
import { InvalidRequest, messageText, type MessagesRequest } from "./request";
import { ReviewViewSchema, SnapshotViewSchema, type ReviewView, type SnapshotView } from "./views";

export const DECISION_TOOL = "submit_decision";
export const EVALUATION_TOOL = "submit_position_evaluation";

/** What one call asks for: the forced tool and the parsed payload of its prompt block. */
export type Task = { kind: "decision"; tool: string; snapshot: SnapshotView } | { kind: "review"; tool: string; review: ReviewView };

const BLOCK = { decision: "snapshot", review: "position_review" } as const;

/** The JSON inside `<tag>…</tag>` of the latest user message that has one. */
function blockJson(req: MessagesRequest, tag: string): unknown {
  const pattern = new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`);
  const users = req.messages.filter((m) => m.role === "user").reverse();
  for (const m of users) {
    const match = pattern.exec(messageText(m.content));
    if (!match) continue;
    try {
      return JSON.parse(match[1]!);
    } catch (e) {
      throw new InvalidRequest(`no <${tag}> block: its content is not valid JSON (${e instanceof Error ? e.message : e})`);
    }
  }
  throw new InvalidRequest(`no <${tag}> block: no user message contains <${tag}>…</${tag}>`);
}

function hasBlock(req: MessagesRequest, tag: string): boolean {
  return req.messages.some((m) => m.role === "user" && messageText(m.content).includes(`<${tag}>`));
}

function view<T>(schema: z.ZodType<T>, value: unknown, tag: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new InvalidRequest(`<${tag}> JSON: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
}

/**
 * Which tool the call forces (tool_choice `{type:"tool"}`) and its payload: `submit_position_evaluation` reads
 * `<position_review>`, anything else `<snapshot>`. Without a forced tool the block present decides.
 */
export function taskOf(req: MessagesRequest): Task {
  const forced = req.tool_choice?.type === "tool" ? req.tool_choice.name : undefined;
  const kind = forced === EVALUATION_TOOL || (forced !== DECISION_TOOL && !hasBlock(req, BLOCK.decision) && hasBlock(req, BLOCK.review)) ? "review" : "decision";
  const tag = BLOCK[kind];
  const json = blockJson(req, tag);
  if (kind === "review") return { kind, tool: forced ?? EVALUATION_TOOL, review: view(ReviewViewSchema, json, tag) };
  return { kind, tool: forced ?? DECISION_TOOL, snapshot: view(SnapshotViewSchema, json, tag) };
}
