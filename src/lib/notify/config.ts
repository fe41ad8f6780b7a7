import { z } from "zod";

/** Where notifications go. Secrets (bot token, webhook URLs and secret) are worker secrets, never config. */
export const NOTIFY_CHANNELS = ["telegram", "discord", "webhook"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/**
 * What a channel can be told. `halt`, `kill`, `pause`, `resume`, `reducing`, `breaker.opened`,
 * `budget.spent`, `delivery.failed` and `alert` (any other risk alert) come from the stream's `risk.alert`
 * events; `daily.summary` from the notifier's own timer.
 */
export const NOTIFY_EVENTS = [
  "position.opened",
  "position.closed",
  "halt",
  "kill",
  "pause",
  "resume",
  "reducing",
  "breaker.opened",
  "budget.spent",
  "delivery.failed",
  "alert",
  "daily.summary",
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

/** What a channel is told unless its `events` say otherwise. */
export const DEFAULT_NOTIFY_EVENTS: NotifyEventKind[] = ["position.opened", "position.closed", "halt", "kill", "reducing", "breaker.opened", "budget.spent", "delivery.failed", "daily.summary"];

const events = z.array(z.enum(NOTIFY_EVENTS)).max(NOTIFY_EVENTS.length).default(DEFAULT_NOTIFY_EVENTS);

export const TelegramNotifyConfigSchema = z.object({
  /** Off: nothing is sent even with the secrets set (commands still work). */
  enabled: z.boolean().default(true),
  events,
  /** Chat that receives notifications; the first of TELEGRAM_CHAT_IDS when absent. */
  chatId: z
    .string()
    .regex(/^-?\d{1,20}$/, "must be a Telegram chat id (digits, negative for groups)")
    .optional(),
});

export const DiscordNotifyConfigSchema = z.object({ enabled: z.boolean().default(true), events });

export const WebhookNotifyConfigSchema = z.object({
  enabled: z.boolean().default(true),
  events,
  /** Receiver URL when the NOTIFY_WEBHOOK_URL secret is not set (the secret wins). */
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export const NotifyRetryConfigSchema = z.object({
  /** Backoff after a 5xx or network failure: baseMs × 2^attempts, at most maxMs. */
  baseMs: z.number().int().positive().default(2_000),
  maxMs: z.number().int().positive().default(600_000),
  /** Sends of one message (5xx, network, timeout) before it is dead-lettered with an alert. */
  maxAttempts: z.number().int().min(1).max(50).default(10),
  /** 429 answers one message may get (each waits the receiver's retry_after) before it is dead-lettered. */
  maxRateLimited: z.number().int().min(1).max(1000).default(30),
  /** Longest retry_after honoured; a longer one waits this long. */
  maxRetryAfterMs: z.number().int().positive().default(3_600_000),
});
export type NotifyRetryConfig = z.infer<typeof NotifyRetryConfigSchema>;

export const NotificationsConfigSchema = z.object({
  telegram: TelegramNotifyConfigSchema.default(TelegramNotifyConfigSchema.parse({})),
  discord: DiscordNotifyConfigSchema.default(DiscordNotifyConfigSchema.parse({})),
  webhook: WebhookNotifyConfigSchema.default(WebhookNotifyConfigSchema.parse({})),
  /** UTC hour (wall clock) of the daily summary; it covers the 24 hours before. */
  dailySummaryHourUtc: z.number().int().min(0).max(23).default(0),
  /** Every send is abandoned after this long (and retried). */
  timeoutMs: z.number().int().positive().default(10_000),
  retry: NotifyRetryConfigSchema.default(NotifyRetryConfigSchema.parse({})),
  /** Delivered rows are kept this long (a redelivered event finds them and sends nothing). */
  keepSentMs: z
    .number()
    .int()
    .positive()
    .default(7 * 86_400_000),
});
export type NotificationsConfig = z.infer<typeof NotificationsConfigSchema>;

/** Which channels have their secrets set and are enabled: what the notifier and the stream act on. */
export type ChannelAvailability = Record<NotifyChannel, boolean>;

/** The events each available channel wants (an empty list for a channel that is off). */
export function wantedEvents(cfg: NotificationsConfig, available: ChannelAvailability): Record<NotifyChannel, ReadonlySet<NotifyEventKind>> {
  const of = (ch: NotifyChannel) => new Set<NotifyEventKind>(available[ch] && cfg[ch].enabled ? cfg[ch].events : []);
  return { telegram: of("telegram"), discord: of("discord"), webhook: of("webhook") };
}

const ALERT_KINDS: NotifyEventKind[] = ["halt", "kill", "pause", "resume", "reducing", "breaker.opened", "budget.spent", "delivery.failed", "alert"];

/**
 * The stream event types the StreamActor forwards to the notifier: `risk.alert` when any alert kind is
 * wanted, `position.closed` also for the daily summary (its trades of the day).
 */
export function forwardedStreamTypes(cfg: NotificationsConfig, available: ChannelAvailability): Set<string> {
  const wanted = new Set<NotifyEventKind>();
  for (const set of Object.values(wantedEvents(cfg, available))) for (const k of set) wanted.add(k);
  const types = new Set<string>();
  if (wanted.has("position.opened")) types.add("position.opened");
  if (wanted.has("position.closed") || wanted.has("daily.summary")) types.add("position.closed");
  if (ALERT_KINDS.some((k) => wanted.has(k))) types.add("risk.alert");
  return types;
}
