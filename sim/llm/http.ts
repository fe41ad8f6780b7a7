import { readBody as readText } from "../shared/read-body";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** What the server writes for one call: a JSON body, raw text, or nothing at all (`hold` keeps the socket open). */
export type Reply = JsonReply | RawReply | { hold: (res: ServerResponse) => void };
export type JsonReply = { status: number; body: unknown; headers?: Record<string, string> };
export type RawReply = { status: number; raw: string; contentType: string; headers?: Record<string, string> };

/** A control request the simulator refuses with 400 and this message. */
export class BadRequest extends Error {}

export function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * SDK 1.x (API version 2026-10-21) sends the API key as `Authorization: Bearer <key>`; older clients and curl
 * use `x-api-key`. Any non-empty value of either is accepted.
 */
export function hasCredentials(h: IncomingHttpHeaders): boolean {
  return !!header(h, "x-api-key") || /^Bearer\s+\S/i.test(header(h, "authorization") ?? "");
}

export function readBody(req: IncomingMessage, max = 8 << 20): Promise<string> {
  return readText(req, max, () => new BadRequest("body too large"));
}

/** A control body: empty → {}, otherwise it must be a JSON object. */
export function parseControlBody(text: string): unknown {
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch {
    /* reported below */
  }
  throw new BadRequest("body must be a JSON object");
}

export function send(res: ServerResponse, reply: JsonReply | RawReply): void {
  const [text, type] = "raw" in reply ? [reply.raw, reply.contentType] : [JSON.stringify(reply.body), "application/json"];
  res.writeHead(reply.status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

/** The Messages API error envelope, as the SDK parses it into `APIError.type` / `apiMessage` / `requestID`. */
export function apiError(status: number, type: string, message: string, requestId: string | null): JsonReply {
  const headers: Record<string, string> = requestId ? { "request-id": requestId } : {};
  return { status, headers, body: { type: "error", error: { type, message }, request_id: requestId } };
}
