import { z } from "zod";

/** Request validation shaped like the Messages API's: 400 `invalid_request_error` naming the field. */
export class InvalidRequest extends Error {}

const CacheControlSchema = z.strictObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });

const TextBlockSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  cache_control: CacheControlSchema.nullable().optional(),
});
export type TextBlock = z.infer<typeof TextBlockSchema>;

const ContentBlockSchema = z.looseObject({ type: z.string(), text: z.string().optional() }).refine((b) => b.type !== "text" || b.text !== undefined, { message: "Field required", path: ["text"] });
export type ContentBlockParam = z.infer<typeof ContentBlockSchema>;

const MessageSchema = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
});

const ToolSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "must match ^[a-zA-Z0-9_-]{1,128}$"),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
});

const ToolChoiceSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("none") }),
]);

/** Parameters the real API accepts but the simulator ignores. */
const ignored = z.unknown().optional();

const MessagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(MessageSchema).min(1, "at least one message is required"),
  system: z.union([z.string(), z.array(TextBlockSchema)]).optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.strictObject({ user_id: z.string().nullable().optional() }).optional(),
  stream: z.boolean().optional(),
  cache_control: CacheControlSchema.nullable().optional(),
  thinking: ignored,
  output_config: ignored,
  service_tier: ignored,
  container: ignored,
  inference_geo: ignored,
  speed: ignored,
  diagnostics: ignored,
});
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** For a union, the issue of the branch that got furthest into the input (with its full path). */
function deepest(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = deepest({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best ?? issue;
}

/** `messages.0.role: Input should be ...` — the first problem, named by its dotted path. */
function describe(first: z.core.$ZodIssue, body: unknown): string {
  const issue = deepest(first);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => [...issue.path, k].join(".")).join(", ") + ": Extra inputs are not permitted";
  }
  const field = issue.path.length ? issue.path.join(".") : "body";
  const missing = issue.code === "invalid_type" && valueAt(body, issue.path) === undefined;
  return `${field}: ${missing ? "Field required" : issue.message}`;
}

/** Parses a `POST /v1/messages` body or throws InvalidRequest with a message naming the field. */
export function parseMessagesRequest(rawBody: string): MessagesRequest {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (e) {
    throw new InvalidRequest(`There was an error parsing the body of your request: ${e instanceof Error ? e.message : e}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new InvalidRequest("body: Input should be an object");
  const r = MessagesRequestSchema.safeParse(body);
  if (!r.success) throw new InvalidRequest(describe(r.error.issues[0]!, body));
  const req = r.data;
  if (req.stream) throw new InvalidRequest("stream: streaming responses are not supported by the simulator");
  const names = (req.tools ?? []).map((t) => t.name);
  if (new Set(names).size !== names.length) throw new InvalidRequest("tools: Tool names must be unique.");
  const choice = req.tool_choice;
  if (choice?.type === "tool" && !names.includes(choice.name)) {
    throw new InvalidRequest(`tool_choice.name: Tool '${choice.name}' not found in tools`);
  }
  if ((choice?.type === "any" || choice?.type === "tool") && names.length === 0) {
    throw new InvalidRequest(`tool_choice: tool_choice type '${choice.type}' requires tools`);
  }
  return req;
}

/** Text of one message's content (text blocks joined; other blocks contribute nothing). */
export function messageText(content: MessagesRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  return content.map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : "")).join("\n");
}
