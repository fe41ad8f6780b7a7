import { HttpTimeoutError, fetchWithTimeout, type FetchLike } from "../exchange/http-timeout";
import { errorMessage } from "../log";
import type { SendOutcome } from "../../lib/notify/delivery";

/**
 * Removes every secret (bot token, webhook URL and its path) from a message: notification URLs carry
 * their credentials, so no error text leaves an adapter with them inside.
 */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

/** A retry-after value in seconds (a number, a numeric string or an HTTP date) as ms, or null. */
export function retryAfterMs(value: unknown, nowMs: number): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return Math.ceil(value * 1000);
  if (typeof value !== "string" || value.trim() === "") return null;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/**
 * POSTs JSON with a deadline; a timeout or network failure is a retry. `what` names the channel in
 * messages (never the URL). The answer's body is read as text (bounded) for the caller to check.
 */
export async function postJson(
  what: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  secrets: readonly (string | undefined)[],
  fetchImpl?: FetchLike,
): Promise<{ res: Response; text: string } | SendOutcome> {
  try {
    const res = await fetchWithTimeout(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body }, timeoutMs, fetchImpl);
    const text = (await res.text()).slice(0, 4_000);
    return { res, text };
  } catch (err) {
    if (err instanceof HttpTimeoutError) return { kind: "retry", error: `${what}: timed out after ${timeoutMs} ms` };
    return { kind: "retry", error: `${what}: network error: ${redact(errorMessage(err), [url, ...secrets])}` };
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 5xx and 408 are worth another try; 429 is rate limiting; any other 4xx is final. */
export function byStatus(what: string, status: number, detail: string): SendOutcome {
  if (status >= 500 || status === 408) return { kind: "retry", error: `${what}: HTTP ${status}${detail ? ` ${detail}` : ""}` };
  return { kind: "failed", error: `${what}: HTTP ${status}${detail ? ` ${detail}` : ""}` };
}
