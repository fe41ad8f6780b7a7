import type { MiddlewareHandler } from "hono";
import { secretsEqual } from "../auth";
import { z } from "zod";
import { createLogger } from "../../adapters/log";
import { telegramChatIds } from "../../adapters/notify/channels";
import { actorName } from "../../actors/names";
import { parseCommand } from "../../lib/notify/commands";
import { routes } from "../contract";
import { actors, type AppEnv } from "../context";
import { ApiError } from "../errors";

const log = createLogger("telegram");

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/**
 * Telegram sends setWebhook's `secret_token` in X-Telegram-Bot-Api-Secret-Token on every update: checked
 * against TELEGRAM_WEBHOOK_SECRET (constant time) before the body is read. Closed (503) until the bot
 * token and the secret are set.
 */
function telegramSecret(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.env.TELEGRAM_WEBHOOK_SECRET;
    if (!expected || !c.env.TELEGRAM_BOT_TOKEN) throw new ApiError(503, "telegram_not_configured", "the Telegram webhook is closed: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET");
    const given = c.req.header(SECRET_HEADER);
    if (!given) throw new ApiError(401, "unauthorized", `missing ${SECRET_HEADER} header (the secret_token given to setWebhook)`);
    if (!(await secretsEqual(given, expected))) {
      log.warn("telegram.bad_secret", { ip: c.req.header("CF-Connecting-IP") ?? null });
      throw new ApiError(401, "unauthorized", `invalid ${SECRET_HEADER} header`);
    }
    await next();
  };
}

const ChatSchema = z.object({ id: z.number().int(), type: z.string().max(32) }).loose();
const MessageSchema = z
  .object({
    message_id: z.number().int(),
    date: z.number().int(),
    chat: ChatSchema,
    from: z
      .object({ id: z.number().int(), username: z.string().max(64).optional() })
      .loose()
      .optional(),
    text: z.string().max(4096).optional(),
  })
  .loose();

/** The fields of a Bot API Update this route reads; other update kinds (edits, callbacks, …) are accepted and ignored. */
export const TelegramUpdateSchema = z.object({ update_id: z.number().int().nonnegative(), message: MessageSchema.optional() }).loose();

const WebhookAnswer = z.object({
  ok: z.literal(true),
  ignored: z.string().optional().describe("why nothing was done (no text, not a command)"),
  refused: z.string().optional().describe("the chat is not in TELEGRAM_CHAT_IDS: a reply told it so"),
  duplicate: z.boolean().optional().describe("an update seen before (Telegram delivers again after a failed call): nothing run twice"),
});

const group = routes("/telegram", "telegram", "Telegram bot commands (Bot API webhook)");
group.app.use("/webhook", telegramSecret());

/**
 * POST /telegram/webhook: the bot's updates. Commands (/status, /positions, /profit, /pause, /resume,
 * /forceexit <symbol>) run only for chats in TELEGRAM_CHAT_IDS; another chat gets a reply saying it is
 * not allowed, and is logged. A processed or refused update is answered 200 (any other status makes Telegram
 * deliver it again and hold the updates behind it); replies go out through the NotifierActor's durable queue.
 */
export const telegramRoutes = group.post(
  {
    path: "/webhook",
    scope: "public",
    security: "none",
    summary: "Telegram bot webhook: commands from allowed chats",
    description: `Checked by the \`${SECRET_HEADER}\` header against TELEGRAM_WEBHOOK_SECRET (401 when missing or wrong); 503 while TELEGRAM_BOT_TOKEN or TELEGRAM_WEBHOOK_SECRET is unset. Register with setWebhook(url, secret_token).`,
    body: TelegramUpdateSchema,
    response: WebhookAnswer,
    errors: { 503: "TELEGRAM_BOT_TOKEN or TELEGRAM_WEBHOOK_SECRET is not set (telegram_not_configured)" },
  },
  async (c, { body }) => {
    const msg = body.message;
    if (!msg?.text) return c.json({ ok: true as const, ignored: "no message text" });
    if (parseCommand(msg.text) === null) return c.json({ ok: true as const, ignored: "not a command" });
    const chatId = String(msg.chat.id);
    const allowed = telegramChatIds(c.env).includes(chatId);
    if (!allowed) log.warn("telegram.refused", { chatId, fromId: msg.from?.id ?? null, text: msg.text.slice(0, 64) });
    const portfolio = actors(c.env).portfolio;
    const r = await c.env.NOTIFIER.getByName(actorName.notifier(portfolio)).command({ portfolio, updateId: body.update_id, chatId, messageId: msg.message_id, text: msg.text, allowed });
    return c.json({ ok: true as const, ...(allowed ? {} : { refused: `chat ${chatId} is not in TELEGRAM_CHAT_IDS` }), ...(r.duplicate ? { duplicate: true } : {}) });
  },
);
