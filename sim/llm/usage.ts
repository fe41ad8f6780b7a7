import type { MessagesRequest } from "./request";

/** The `usage` object of a Messages API response. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: "standard";
}

/** The simulator's tokenizer: one token per 4 characters, rounded up. */
export const tokensOf = (chars: number): number => Math.ceil(chars / 4);

/**
 * The cacheable prefix: the `system` text blocks up to and including the first one carrying `cache_control`
 * (the engine marks only its first, static block). Undefined when nothing is marked.
 */
function cachedPrefix(req: MessagesRequest): { key: string; chars: number; blocks: number; ttl: string } | undefined {
  if (!Array.isArray(req.system)) return undefined;
  const marked = req.system.findIndex((b) => b.cache_control);
  if (marked < 0) return undefined;
  const texts = req.system.slice(0, marked + 1).map((b) => b.text);
  const ttl = req.system[marked]!.cache_control?.ttl ?? "5m";
  return { key: JSON.stringify(texts), chars: texts.reduce((n, t) => n + t.length, 0), blocks: marked + 1, ttl };
}

/** Characters of everything sent that is not in the cached prefix: the rest of `system`, `tools`, messages. */
function uncachedChars(req: MessagesRequest, skipBlocks: number): number {
  const system = typeof req.system === "string" ? req.system.length : (req.system ?? []).slice(skipBlocks).reduce((n, b) => n + b.text.length, 0);
  const tools = req.tools ? JSON.stringify(req.tools).length : 0;
  let messages = 0;
  for (const m of req.messages) {
    if (typeof m.content === "string") messages += m.content.length;
    else for (const b of m.content) messages += b.type === "text" && typeof b.text === "string" ? b.text.length : JSON.stringify(b).length;
  }
  return system + tools + messages;
}

/**
 * Usage for one answered call. The cached prefix is `cache_creation` the first time `seen` (the session's
 * prompt cache) meets its exact text and `cache_read` afterwards; like the real API, cached tokens are never
 * part of `input_tokens`. Records the prefix in `seen`.
 */
export function measureUsage(req: MessagesRequest, seen: Set<string>, outputTokens: number): Usage {
  const prefix = cachedPrefix(req);
  const prefixTokens = prefix ? tokensOf(prefix.chars) : 0;
  const hit = prefix !== undefined && seen.has(prefix.key);
  if (prefix) seen.add(prefix.key);
  const created = prefix && !hit ? prefixTokens : 0;
  return {
    input_tokens: tokensOf(uncachedChars(req, prefix?.blocks ?? 0)),
    output_tokens: outputTokens,
    cache_creation_input_tokens: created,
    cache_read_input_tokens: hit ? prefixTokens : 0,
    cache_creation: {
      ephemeral_5m_input_tokens: prefix?.ttl === "5m" ? created : 0,
      ephemeral_1h_input_tokens: prefix?.ttl === "1h" ? created : 0,
    },
    service_tier: "standard",
  };
}
