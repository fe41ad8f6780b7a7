import { Actor, type TimerHandlers } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { TimerRow } from "./kernel/timers";
import { errorMessage } from "../adapters/log";
import { channelAvailability, channelTargets, telegramApi } from "../adapters/notify/channels";
import { sendDiscord } from "../adapters/notify/discord";
import { sendTelegram, type TelegramMessage } from "../adapters/notify/telegram";
import { sendWebhook } from "../adapters/notify/webhook";
import { parseCommand, refusedReply } from "../lib/notify/commands";
import { NOTIFY_CHANNELS, wantedEvents, type NotifyChannel } from "../lib/notify/config";
import { afterSend, type SendOutcome } from "../lib/notify/delivery";
import { classifyEvent, utcDay, type NotifyEnvelope, type NotifyEvent } from "../lib/notify/events";
import { discordContent, renderEvent, telegramText, webhookBody, type Rendered } from "../lib/notify/render";
import { dailySummary, nextSummaryAt, type AccountFacts, type DayTrade } from "../lib/notify/summary";
import { actorName } from "./names";
import { runCommand } from "./notify/run-command";

/** A stream event the StreamActor mails (keyed `notify:<seq>`): at least once, in order. */
export interface NotifyMessage {
  portfolio: string;
  envelope: NotifyEnvelope;
}

/** A Telegram message the webhook route accepted (secret checked, body valid). */
export interface TelegramCommandMessage {
  portfolio: string;
  updateId: number;
  chatId: string;
  messageId: number;
  text: string;
  /** Whether the chat is one of TELEGRAM_CHAT_IDS (the route decides; a refused chat gets a reply saying so). */
  allowed: boolean;
}

type DeliveryRow = {
  id: number;
  event_key: string;
  queue: string;
  channel: NotifyChannel;
  kind: string;
  payload: string;
  status: "pending" | "sent" | "dead";
  attempts: number;
  limited: number;
  next_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
};

/** Sends one queue makes in one alarm run before it yields (the alarm comes straight back). */
const SENDS_PER_RUN = 50;
/** A send in flight holds its row for twice its timeout and this much: a send cut by an eviction is retried after that. */
const LEASE_MARGIN_MS = 1_000;
const DAY = 86_400_000;

/**
 * Notifications of one portfolio (`notifier:<portfolio>`): Telegram, Discord and a signed webhook.
 *
 * The StreamActor mails each event a channel wants (keyed by its stream seq). `notify` renders it and stores
 * one delivery row per (event, queue) with INSERT OR IGNORE, in one synchronous step: a redelivered mail adds
 * nothing. The `send` timer sends each queue's rows in order (a queue is a channel, and for Telegram its
 * chat): a row is leased (its attempt counted) before the request leaves; 5xx, timeouts and network failures
 * back off exponentially up to `retry.maxAttempts`, a 429 waits the receiver's retry_after, any other 4xx is
 * final. A final failure is a dead letter with an alert (`delivery.failed` on the other channels). The
 * `summary` timer sends the daily summary; Telegram commands (`command`) answer through the same queues.
 */
/** The notifier's timers: the queues' next send and the daily summary. */
type NotifierTimers = { send: null; summary: null };

export class NotifierActor extends Actor<NotifierTimers> {
  protected readonly timerHandlers: TimerHandlers<NotifierTimers> = {
    send: (_, row) => this.sendDue(row),
    summary: (_, row) => this.runSummary(row),
  };

  private portfolio: string | null = this.kv.get<string>("portfolio") ?? null;

  protected override migrations(): Migration[] {
    return [
      {
        name: "notifier-0001",
        statements: [
          `CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_key TEXT NOT NULL,
            queue TEXT NOT NULL,
            channel TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            limited INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            last_error TEXT,
            UNIQUE (event_key, queue)
          )`,
          "CREATE INDEX deliveries_queue ON deliveries (status, queue, id)",
          "CREATE INDEX deliveries_created ON deliveries (created_at)",
          "CREATE TABLE day_trades (position_id TEXT PRIMARY KEY, symbol TEXT NOT NULL, pnl REAL NOT NULL, pnl_pct REAL NOT NULL, exit_kind TEXT NOT NULL, closed_at INTEGER NOT NULL, received_at INTEGER NOT NULL)",
          "CREATE TABLE once_keys (key TEXT PRIMARY KEY, at INTEGER NOT NULL)",
          "CREATE TABLE commands (update_id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, text TEXT NOT NULL, allowed INTEGER NOT NULL, at INTEGER NOT NULL)",
        ],
      },
    ];
  }

  protected override alertPortfolio(): string | null {
    return this.portfolio;
  }

  private get settings() {
    return this.config.notifications;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Starts the daily summary's timer (idempotent); mailed by the StreamActor once. */
  async start(msg: { portfolio: string }): Promise<void> {
    this.adopt(msg.portfolio);
    this.ensureSummaryTimer();
    await this.flush();
  }

  /** One stream event: stores its deliveries (none twice), then the alarm sends them. */
  async notify(msg: NotifyMessage): Promise<{ queued: number }> {
    this.adopt(msg.portfolio);
    const ev = classifyEvent(msg.envelope);
    let queued = 0;
    if (ev) {
      // One synchronous step: the day's trade, the once-key and every delivery row.
      if (ev.kind === "position.closed") this.keepTrade(ev);
      queued = this.enqueue(ev);
    }
    this.ensureSummaryTimer();
    await this.flush();
    return { queued };
  }

  /**
   * A Telegram command (the route checked the secret token and the body). Run at most once per update id
   * (Telegram delivers an update again when its webhook call failed); the reply goes out through the
   * durable queue of the chat, as a reply to the command.
   */
  async command(cmd: TelegramCommandMessage): Promise<{ duplicate: boolean; reply: string | null }> {
    this.adopt(cmd.portfolio);
    this.sql.exec(
      "INSERT OR IGNORE INTO commands (update_id, chat_id, text, allowed, at) VALUES (?, ?, ?, ?, ?)",
      cmd.updateId,
      cmd.chatId,
      cmd.text.slice(0, 500),
      cmd.allowed ? 1 : 0,
      this.clock.wall(),
    );
    if (this.changes() === 0) return { duplicate: true, reply: null };
    let reply: string | null;
    if (!cmd.allowed) {
      // The route logged the refusal (with who sent it).
      reply = refusedReply(cmd.chatId);
    } else {
      const parsed = parseCommand(cmd.text);
      if (parsed === null) return { duplicate: false, reply: null };
      this.log.info("telegram.command", { chatId: cmd.chatId, command: parsed.ok ? parsed.name : "unknown" });
      try {
        reply = await runCommand(this.env, cmd.portfolio, parsed, `telegram:${cmd.chatId}`, () => this.tradesSince(this.clock.wall() - DAY), utcDay(this.clock.wall()));
      } catch (err) {
        this.log.error("telegram.command_failed", { chatId: cmd.chatId, error: errorMessage(err) });
        reply = `The command failed: ${errorMessage(err).slice(0, 200)}`;
      }
    }
    // After the awaits: one synchronous step puts the reply in the chat's queue.
    const msg: TelegramMessage = { chat_id: cmd.chatId, text: reply, reply_to_message_id: cmd.messageId };
    this.insertDelivery(`cmd:${cmd.updateId}`, `telegram:${cmd.chatId}`, "telegram", "command.reply", JSON.stringify(msg));
    this.timers.scheduleBy("send", this.clock.wall());
    await this.flush();
    return { duplicate: false, reply };
  }

  /** Deliveries by queue and status, the newest rows and the queues' heads (no secrets: payloads stay in). */
  status(limit = 20) {
    const counts = this.sql.exec<{ queue: string; status: string; n: number }>("SELECT queue, status, COUNT(*) AS n FROM deliveries GROUP BY queue, status ORDER BY queue, status").toArray();
    const recent = this.sql
      .exec<DeliveryRow>("SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", Math.min(Math.max(limit, 1), 200))
      .toArray()
      .map((r) => ({
        id: r.id,
        key: r.event_key,
        queue: r.queue,
        kind: r.kind,
        status: r.status,
        attempts: r.attempts,
        limited: r.limited,
        nextAt: r.next_at,
        createdAt: r.created_at,
        sentAt: r.sent_at,
        lastError: r.last_error,
      }));
    const availability = channelAvailability(this.env, this.settings);
    return {
      portfolio: this.portfolio,
      channels: Object.fromEntries(NOTIFY_CHANNELS.map((ch) => [ch, { configured: availability[ch], enabled: this.settings[ch].enabled, events: this.settings[ch].events }])),
      counts,
      recent,
      nextSummaryAt: this.timers.get("summary")?.dueAt ?? null,
    };
  }

  // ---- timers -------------------------------------------------------------------------------

  private async sendDue(row: TimerRow): Promise<void> {
    const queues = this.sql.exec<{ queue: string }>("SELECT DISTINCT queue FROM deliveries WHERE status = 'pending'").toArray();
    await Promise.all(queues.map((q) => this.drainQueue(q.queue)));
    // After the sends: the state read again, the next send scheduled by the queues' heads.
    this.prune();
    const next = this.sql
      .exec<{ n: number | null }>("SELECT MIN(d.next_at) AS n FROM deliveries d JOIN (SELECT MIN(id) AS id FROM deliveries WHERE status = 'pending' GROUP BY queue) h ON d.id = h.id")
      .one().n;
    if (next !== null) this.timers.schedule("send", Math.max(next, row.dueAt + 1));
  }

  /** Sends a queue's due rows in order; stops at the first that must wait. */
  private async drainQueue(queue: string): Promise<void> {
    for (let i = 0; i < SENDS_PER_RUN; i++) {
      const head = this.head(queue);
      const wall = this.clock.wall();
      if (!head || head.next_at > wall) return;
      // Persist before the effect: the attempt is counted and the row leased before the request leaves.
      const attempts = head.attempts + 1;
      this.sql.exec("UPDATE deliveries SET attempts = ?, next_at = ? WHERE id = ?", attempts, wall + 2 * this.settings.timeoutMs + LEASE_MARGIN_MS, head.id);
      const outcome = await this.sendOne(head);
      const now = this.clock.wall();
      const cur = this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE id = ?", head.id).toArray()[0];
      if (!cur || cur.status !== "pending") continue;
      const step = afterSend(outcome, { attempts: cur.attempts, limited: cur.limited }, this.settings.retry, now);
      if (step.status === "sent") {
        this.sql.exec("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = ? WHERE id = ?", now, outcome.kind === "sent" ? (outcome.note ?? null) : null, cur.id);
        continue;
      }
      if (step.status === "dead") {
        this.sql.exec("UPDATE deliveries SET status = 'dead', last_error = ? WHERE id = ?", step.error.slice(0, 500), cur.id);
        this.log.error("notify.dead", { queue: cur.queue, kind: cur.kind, key: cur.event_key, attempts: cur.attempts, error: step.error });
        this.deadLetters.put({ kind: "notification", key: cur.event_key, target: cur.queue, method: cur.kind, payload: cur.payload, attempts: cur.attempts, error: step.error }, now);
        continue;
      }
      this.sql.exec("UPDATE deliveries SET attempts = ?, limited = ?, next_at = ?, last_error = ? WHERE id = ?", step.attempts, step.limited, step.nextAt, step.error.slice(0, 500), cur.id);
      this.log.warn("notify.retrying", { queue: cur.queue, kind: cur.kind, key: cur.event_key, attempts: step.attempts, rateLimited: step.limited, inMs: step.nextAt - now, error: step.error });
      return;
    }
  }

  private head(queue: string): DeliveryRow | null {
    return this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE status = 'pending' AND queue = ? ORDER BY id LIMIT 1", queue).toArray()[0] ?? null;
  }

  /** One request to the row's channel; the secrets come from the worker's env at send time, never stored. */
  private async sendOne(row: DeliveryRow): Promise<SendOutcome> {
    const timeout = this.settings.timeoutMs;
    const now = this.clock.wall();
    try {
      if (row.channel === "telegram") {
        const api = telegramApi(this.env);
        if (!api) return { kind: "failed", error: "telegram: TELEGRAM_BOT_TOKEN is not set" };
        return await sendTelegram(api.apiBase, api.token, JSON.parse(row.payload) as TelegramMessage, timeout);
      }
      const targets = channelTargets(this.env, this.settings);
      if (row.channel === "discord") {
        if (!targets.discord) return { kind: "failed", error: "discord: DISCORD_WEBHOOK_URL is not set" };
        return await sendDiscord(targets.discord.url, (JSON.parse(row.payload) as { content: string }).content, timeout, now);
      }
      if (!targets.webhook) return { kind: "failed", error: "webhook: NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET are not both set" };
      const { body } = JSON.parse(row.payload) as { body: string };
      return await sendWebhook(targets.webhook.url, targets.webhook.secret, body, `${this.portfolio ?? "?"}:${row.event_key}`, row.kind, timeout, now);
    } catch (err) {
      // An adapter throws only on a programming error (the network's failures are outcomes): retried, bounded.
      return { kind: "retry", error: `${row.channel}: ${errorMessage(err).slice(0, 200)}` };
    }
  }

  /** The daily summary: the account asked first, then one synchronous step queues it and the next day's timer. */
  private async runSummary(row: TimerRow): Promise<void> {
    const portfolio = this.portfolio;
    const wants = wantedEvents(this.settings, channelAvailability(this.env, this.settings));
    const wanted = NOTIFY_CHANNELS.some((ch) => wants[ch].has("daily.summary"));
    let facts: AccountFacts | null = null;
    if (portfolio && wanted) {
      try {
        const account = this.env.ACCOUNT.getByName(actorName.account(portfolio));
        if (await account.controls()) facts = await account.summary();
      } catch (err) {
        this.log.warn("notify.summary_account_failed", { error: errorMessage(err) });
      }
    }
    const due = row.dueAt;
    if (portfolio && wanted) {
      const day = utcDay(due - 1);
      const summary = dailySummary(day, facts, this.tradesSince(due - DAY, due));
      this.enqueue({ kind: "daily.summary", key: `summary:${day}`, ts: this.clock.now(), data: summary as unknown as Record<string, unknown> });
    }
    this.sql.exec("DELETE FROM day_trades WHERE received_at < ?", this.clock.wall() - 8 * DAY);
    this.timers.schedule("summary", Math.max(nextSummaryAt(this.clock.wall(), this.settings.dailySummaryHourUtc), due + 1));
  }

  // ---- steps --------------------------------------------------------------------------------

  private adopt(portfolio: string): void {
    if (this.portfolio === portfolio) return;
    this.portfolio = portfolio;
    this.kv.put("portfolio", portfolio);
  }

  private ensureSummaryTimer(): void {
    if (!this.timers.get("summary")) this.timers.schedule("summary", nextSummaryAt(this.clock.wall(), this.settings.dailySummaryHourUtc));
  }

  private keepTrade(ev: NotifyEvent): void {
    const d = ev.data;
    if (typeof d.positionId !== "string") return;
    const n = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);
    this.sql.exec(
      "INSERT OR IGNORE INTO day_trades (position_id, symbol, pnl, pnl_pct, exit_kind, closed_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      d.positionId,
      typeof d.symbol === "string" ? d.symbol : "?",
      n(d.pnl),
      n(d.pnlPct),
      typeof d.exitKind === "string" ? d.exitKind : "?",
      n(d.closedAt) || ev.ts,
      this.clock.wall(),
    );
  }

  private tradesSince(from: number, to = Infinity): DayTrade[] {
    return this.sql
      .exec<{ position_id: string; symbol: string; pnl: number; pnl_pct: number; exit_kind: string; closed_at: number }>(
        "SELECT * FROM day_trades WHERE received_at >= ? AND received_at < ? ORDER BY closed_at",
        from,
        Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER,
      )
      .toArray()
      .map((r) => ({ positionId: r.position_id, symbol: r.symbol, pnl: r.pnl, pnlPct: r.pnl_pct, exitKind: r.exit_kind, closedAt: r.closed_at }));
  }

  /** Stores the event's delivery on every channel that wants it; answers how many rows are new. */
  private enqueue(ev: NotifyEvent): number {
    const portfolio = this.portfolio ?? "?";
    if (ev.onceKey) {
      this.sql.exec("INSERT OR IGNORE INTO once_keys (key, at) VALUES (?, ?)", ev.onceKey, this.clock.wall());
      if (this.changes() === 0) return 0;
    }
    const wants = wantedEvents(this.settings, channelAvailability(this.env, this.settings));
    const targets = channelTargets(this.env, this.settings);
    let rendered: Rendered | null = null;
    let added = 0;
    for (const channel of NOTIFY_CHANNELS) {
      if (!wants[channel].has(ev.kind) || ev.skipChannel === channel) continue;
      rendered ??= renderEvent(ev);
      if (channel === "telegram" && targets.telegram) {
        const msg: TelegramMessage = { chat_id: targets.telegram.chatId, text: telegramText(rendered, portfolio) };
        added += this.insertDelivery(ev.key, `telegram:${targets.telegram.chatId}`, channel, ev.kind, JSON.stringify(msg));
      } else if (channel === "discord") {
        added += this.insertDelivery(ev.key, "discord", channel, ev.kind, JSON.stringify({ content: discordContent(rendered, portfolio) }));
      } else if (channel === "webhook") {
        added += this.insertDelivery(ev.key, "webhook", channel, ev.kind, JSON.stringify({ body: JSON.stringify(webhookBody(ev, rendered, portfolio)) }));
      }
    }
    if (added > 0) this.timers.scheduleBy("send", this.clock.wall());
    return added;
  }

  private insertDelivery(key: string, queue: string, channel: NotifyChannel, kind: string, payload: string): number {
    const wall = this.clock.wall();
    this.sql.exec("INSERT OR IGNORE INTO deliveries (event_key, queue, channel, kind, payload, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", key, queue, channel, kind, payload, wall, wall);
    return this.changes();
  }

  /** Rows the last statement inserted (0 for an INSERT OR IGNORE that found its key). */
  private changes(): number {
    return this.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
  }

  /** Sent and dead rows are kept `keepSentMs` (a redelivered event finds them), then dropped. */
  private prune(): void {
    this.sql.exec("DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?", this.clock.wall() - this.settings.keepSentMs);
    this.sql.exec("DELETE FROM once_keys WHERE at < ?", this.clock.wall() - 8 * DAY);
    this.sql.exec("DELETE FROM commands WHERE at < ?", this.clock.wall() - 8 * DAY);
  }
}
