import { ApiError } from "./errors";

/** Bytes a write route reads unless its spec says otherwise. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Arrays and objects nested deeper than this are refused before JSON.parse and zod see them. */
export const MAX_JSON_DEPTH = 32;

/** "65536 bytes (64 KiB)" */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n} bytes (${n / (1024 * 1024)} MiB)`;
  if (n >= 1024 && n % 1024 === 0) return `${n} bytes (${n / 1024} KiB)`;
  return `${n} bytes`;
}

function tooLarge(limit: number, where: string): ApiError {
  return new ApiError(413, "payload_too_large", `request body larger than ${describeBytes(limit)}, the limit of ${where}`, { limit });
}

/**
 * The request body as text, read from the stream and stopped as soon as it passes `limit` bytes (413), so a
 * chunked body with no Content-Length or one that lies about its length costs at most `limit` bytes of memory.
 * A declared Content-Length over the limit is refused without reading. Invalid UTF-8 is a 400.
 */
export async function readBodyText(req: Request, limit: number, where: string): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit, where);
  const stream = req.body;
  if (!stream) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit, where);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_body", "request body is not valid UTF-8");
  }
}

/**
 * How deeply `text`'s arrays and objects nest, counted in one pass without recursion (brackets inside
 * strings do not count); stops counting at `stopAt`.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max) {
        max = depth;
        if (max >= stopAt) return max;
      }
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return max;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * A JSON request body: the content type must be JSON when there is a body (absent is taken as JSON), the
 * size within `limit`, the nesting within MAX_JSON_DEPTH. An empty body is `{}`.
 */
export async function readJsonBody(req: Request, limit: number, where: string): Promise<unknown> {
  const text = await readBodyText(req, limit, where);
  if (text.trim() === "") return {};
  const type = req.headers.get("content-type");
  if (type !== null && !JSON_TYPE.test(type.trim())) {
    throw new ApiError(415, "unsupported_media_type", `request body must be JSON (Content-Type: application/json), not ${type.slice(0, 100)}`);
  }
  const depth = jsonDepth(text, MAX_JSON_DEPTH + 1);
  if (depth > MAX_JSON_DEPTH) throw new ApiError(400, "invalid_json", `request body nests arrays and objects more than ${MAX_JSON_DEPTH} deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "request body is not valid JSON");
  }
}
