/** Every `mode` a session can be switched to; "policy" is the well-behaved default. */
export const LLM_MODES = [
  "policy",
  "timeout",
  "overloaded",
  "server_error",
  "invalid_json",
  "prose",
  "text_only_json",
  "out_of_range",
  "unknown_ticker",
  "injection",
  "missing_fields",
  "wrong_tool",
  "empty_content",
  "max_tokens",
] as const;
export type LlmMode = (typeof LLM_MODES)[number];

export type StopReason = "tool_use" | "end_turn" | "max_tokens";

/** A content block before the session gives it an id. */
export type ContentSpec = { type: "tool_use"; name: string; input: unknown } | { type: "text"; text: string };

/** How one validated call is answered. */
export type Outcome =
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  | { kind: "hold" }
  | { kind: "error"; status: number; errorType: string; message: string }
  /** Status 200, `application/json`, but the body does not parse. */
  | { kind: "garbled" }
  /** A normal message; `outputTokens` overrides the count derived from the content. */
  | { kind: "message"; content: ContentSpec[]; stopReason: StopReason; outputTokens?: number };
