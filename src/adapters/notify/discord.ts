import { z } from "zod";
import type { FetchLike } from "../exchange/http-timeout";
import type { SendOutcome } from "../../lib/notify/delivery";
import { byStatus, parseJson, postJson, redact, retryAfterMs } from "./send-util";

const RateLimitSchema = z.object({ retry_after: z.number().nonnegative(), global: z.boolean().optional(), message: z.string().max(2_000).optional() }).loose();
const ErrorSchema = z.object({ message: z.string().max(2_000), code: z.number().optional() }).loose();

/**
 * Executes a Discord webhook with `content` (mentions disabled: a reason text can never ping anyone).
 * 204 (or 200) is sent; 429 waits `retry_after` (seconds, a float, in the JSON body; else the
 * Retry-After header); 5xx and network failures are retried; any other 4xx is final. The webhook URL holds
 * its token: it never appears in a returned message.
 */
export async function sendDiscord(webhookUrl: string, content: string, timeoutMs: number, now: number, fetchImpl?: FetchLike): Promise<SendOutcome> {
  const body = JSON.stringify({ content, allowed_mentions: { parse: [] } });
  const secrets = [webhookUrl, new URL(webhookUrl).pathname];
  const r = await postJson("discord", webhookUrl, body, {}, timeoutMs, secrets, fetchImpl);
  if ("kind" in r) return r;
  if (r.res.ok) return { kind: "sent" };
  const json = parseJson(r.text);
  if (r.res.status === 429) {
    const limit = RateLimitSchema.safeParse(json);
    const wait = limit.success ? Math.ceil(limit.data.retry_after * 1000) : retryAfterMs(r.res.headers.get("Retry-After"), now);
    return { kind: "rate_limited", retryAfterMs: wait ?? 1_000, error: `discord: 429${limit.success && limit.data.global ? " (global)" : ""}` };
  }
  const err = ErrorSchema.safeParse(json);
  return byStatus("discord", r.res.status, err.success ? redact(err.data.message, secrets).slice(0, 300) : "");
}
