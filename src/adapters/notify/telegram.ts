import { z } from "zod";
import type { FetchLike } from "../exchange/http-timeout";
import type { SendOutcome } from "../../lib/notify/delivery";
import { byStatus, parseJson, postJson, redact } from "./send-util";

export const TELEGRAM_API = "https://api.telegram.org";

/** A sendMessage call (plain text: no parse_mode, so nothing in it needs escaping). */
export interface TelegramMessage {
  chat_id: string;
  text: string;
  /** Answers a command as a reply to it. */
  reply_to_message_id?: number;
}

const OkSchema = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number().int() }).loose() }).loose();
const ErrorSchema = z
  .object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string().max(2_000).default(""),
    parameters: z.object({ retry_after: z.number().nonnegative().optional(), migrate_to_chat_id: z.number().optional() }).loose().optional(),
  })
  .loose();

/**
 * Bot API `sendMessage`: `{ok:true,result:{message_id,…}}` is sent; `{ok:false,error_code:429,
 * parameters:{retry_after:N}}` waits N seconds; 5xx, timeouts and network failures are retried; any other
 * refusal (400 chat not found, 403 bot blocked, 401 bad token) is final. The token is in the URL's path:
 * it never appears in a returned message.
 */
export async function sendTelegram(apiBase: string, token: string, msg: TelegramMessage, timeoutMs: number, fetchImpl?: FetchLike): Promise<SendOutcome> {
  const url = `${apiBase.replace(/\/+$/, "")}/bot${token}/sendMessage`;
  const body: Record<string, unknown> = { chat_id: msg.chat_id, text: msg.text, link_preview_options: { is_disabled: true } };
  if (msg.reply_to_message_id !== undefined) body.reply_parameters = { message_id: msg.reply_to_message_id, allow_sending_without_reply: true };
  const r = await postJson("telegram", url, JSON.stringify(body), {}, timeoutMs, [token], fetchImpl);
  if ("kind" in r) return r;
  const json = parseJson(r.text);
  if (r.res.ok) {
    const ok = OkSchema.safeParse(json);
    // The Bot API took it (2xx): sending again would duplicate it, whatever the body says.
    return ok.success ? { kind: "sent" } : { kind: "sent", note: "telegram: 2xx answer without ok:true/result.message_id" };
  }
  const err = ErrorSchema.safeParse(json);
  const description = err.success ? redact(err.data.description, [token]).slice(0, 300) : "";
  if (r.res.status === 429 || (err.success && err.data.error_code === 429)) {
    const after = err.success ? err.data.parameters?.retry_after : undefined;
    return { kind: "rate_limited", retryAfterMs: Math.ceil((after ?? 1) * 1000), error: `telegram: 429 ${description || "Too Many Requests"}`.trim() };
  }
  return byStatus("telegram", r.res.status, description);
}
