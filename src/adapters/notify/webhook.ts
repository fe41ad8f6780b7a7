import type { FetchLike } from "../exchange/http-timeout";
import { hmacSha256Hex } from "../hash";
import type { SendOutcome } from "../../lib/notify/delivery";
import { signatureValue, signingInput, WEBHOOK_HEADERS } from "../../lib/notify/signing";
import { byStatus, postJson, retryAfterMs } from "./send-util";

/** The signed request's headers for `body` at `timestampSec`. */
export async function signedHeaders(secret: string, body: string, timestampSec: number, delivery: string, event: string): Promise<Record<string, string>> {
  return {
    [WEBHOOK_HEADERS.timestamp]: String(timestampSec),
    [WEBHOOK_HEADERS.signature]: signatureValue(await hmacSha256Hex(secret, signingInput(timestampSec, body))),
    [WEBHOOK_HEADERS.delivery]: delivery,
    [WEBHOOK_HEADERS.event]: event,
  };
}

/**
 * POSTs `body` signed at `nowMs` (each retry is signed again with its own timestamp, so a receiver can
 * reject old ones). 2xx is sent; 429 waits Retry-After; 5xx, 408 and network failures are retried; any
 * other 4xx is final. The URL may hold a token: it never appears in a returned message.
 */
export async function sendWebhook(url: string, secret: string, body: string, delivery: string, event: string, timeoutMs: number, nowMs: number, fetchImpl?: FetchLike): Promise<SendOutcome> {
  const headers = await signedHeaders(secret, body, Math.floor(nowMs / 1000), delivery, event);
  const r = await postJson("webhook", url, body, headers, timeoutMs, [secret, new URL(url).search.slice(1)], fetchImpl);
  if ("kind" in r) return r;
  if (r.res.ok) return { kind: "sent" };
  if (r.res.status === 429) return { kind: "rate_limited", retryAfterMs: retryAfterMs(r.res.headers.get("Retry-After"), nowMs) ?? 1_000, error: "webhook: 429" };
  return byStatus("webhook", r.res.status, "");
}
