import type { Env } from "../../env";
import type { ChannelAvailability, NotificationsConfig } from "../../lib/notify/config";
import { TELEGRAM_API } from "./telegram";

/** Where each channel sends, from the worker's secrets; null for a channel without its secrets. */
export interface ChannelTargets {
  telegram: { apiBase: string; token: string; chatId: string } | null;
  discord: { url: string } | null;
  webhook: { url: string; secret: string } | null;
}

type NotifyEnv = Pick<Env, "TELEGRAM_BOT_TOKEN" | "TELEGRAM_CHAT_IDS" | "TELEGRAM_API_URL" | "DISCORD_WEBHOOK_URL" | "NOTIFY_WEBHOOK_URL" | "NOTIFY_WEBHOOK_SECRET">;

/** TELEGRAM_CHAT_IDS ("123, -100456") as a list of ids. */
export function telegramChatIds(env: Pick<Env, "TELEGRAM_CHAT_IDS">): string[] {
  return (env.TELEGRAM_CHAT_IDS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => /^-?\d{1,20}$/.test(s));
}

function httpUrl(s: string | undefined): string | null {
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:" ? s : null;
  } catch {
    return null;
  }
}

export function channelTargets(env: NotifyEnv, cfg: NotificationsConfig): ChannelTargets {
  const chats = telegramChatIds(env);
  const chatId = cfg.telegram.chatId ?? chats[0];
  const webhookUrl = httpUrl(env.NOTIFY_WEBHOOK_URL) ?? cfg.webhook.url ?? null;
  const discordUrl = httpUrl(env.DISCORD_WEBHOOK_URL);
  return {
    telegram: env.TELEGRAM_BOT_TOKEN && chatId ? { apiBase: httpUrl(env.TELEGRAM_API_URL) ?? TELEGRAM_API, token: env.TELEGRAM_BOT_TOKEN, chatId } : null,
    discord: discordUrl ? { url: discordUrl } : null,
    webhook: webhookUrl && env.NOTIFY_WEBHOOK_SECRET ? { url: webhookUrl, secret: env.NOTIFY_WEBHOOK_SECRET } : null,
  };
}

/** Which channels have their secrets (the config's `enabled` and `events` are applied by `wantedEvents`). */
export function channelAvailability(env: NotifyEnv, cfg: NotificationsConfig): ChannelAvailability {
  const t = channelTargets(env, cfg);
  return { telegram: t.telegram !== null, discord: t.discord !== null, webhook: t.webhook !== null };
}

/** The Bot API base and token, for replies to commands (any allowed chat); null without a token. */
export function telegramApi(env: Pick<Env, "TELEGRAM_BOT_TOKEN" | "TELEGRAM_API_URL">): { apiBase: string; token: string } | null {
  return env.TELEGRAM_BOT_TOKEN ? { apiBase: httpUrl(env.TELEGRAM_API_URL) ?? TELEGRAM_API, token: env.TELEGRAM_BOT_TOKEN } : null;
}
