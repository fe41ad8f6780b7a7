import { z } from "zod";
import { Actor } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { StreamEvent } from "./messages";
import { actorName, portfolioOfName } from "./names";
import type { NotifyMessage } from "./notifier-actor";
import { channelAvailability } from "../adapters/notify/channels";
import { forwardedStreamTypes } from "../lib/notify/config";

const KEEP_EVENTS = 500;
const KEEP_EMITTED = 5_000;
/** Topics one socket may hold: 64 × 64 characters keeps its attachment far under the 16 KB limit. */
export const MAX_TOPICS = 64;
/**
 * Event types sent to the sockets connected now and never kept for a `since` replay: a closed minute per symbol
 * would push every other event out of the 500 kept. Numbered like the rest (a later replay shows the gap).
 */
export const LIVE_ONLY_EVENTS: ReadonlySet<string> = new Set(["bar"]);
const TopicSchema = z
  .string()
  .max(64)
  .regex(/^[a-z.*_-]+$/, "a topic looks like position.* or order.filled");

export interface StreamEnvelope {
  seq: number;
  ts: number;
  type: string;
  data: unknown;
}

interface Attachment {
  topics: string[];
}

const ClientMessageSchema = z.union([z.object({ subscribe: z.array(TopicSchema).max(MAX_TOPICS) }), z.object({ unsubscribe: z.array(TopicSchema).max(MAX_TOPICS) }), z.object({ ping: z.unknown() })]);

/** Whether a topic filter ("position.closed", "position.*", or empty for all) lets `type` through. */
export function topicMatches(topics: readonly string[], type: string): boolean {
  if (topics.length === 0) return true;
  return topics.some((t) => t === type || t === "*" || (t.endsWith(".*") && type.startsWith(t.slice(0, -1))));
}

/**
 * Client WebSockets of one portfolio (hibernatable: accepted with ctx.acceptWebSocket), a numbered
 * event log of the last 500 events for catch-up (`?since=seq`), and topic filters per socket.
 */
export class StreamActor extends Actor {
  private seq: number = this.kv.get<number>("seq") ?? 0;
  /** Event types the notifier wants (from the config and which channels have their secrets). */
  private notifyTypes: Set<string> | null = null;

  protected override migrations(): Migration[] {
    return [
      { name: "stream-0001", statements: ["CREATE TABLE events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)"] },
      { name: "stream-0002", statements: ["CREATE TABLE tickets (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)"] },
      // The ids of published events (the last KEEP_EMITTED): an event published again (by mail, after a call that failed) keeps its number.
      { name: "stream-emitted-0001", statements: ["CREATE TABLE emitted (id TEXT PRIMARY KEY, seq INTEGER NOT NULL)", "CREATE INDEX emitted_seq ON emitted (seq)"] },
    ];
  }

  /**
   * Redeems a stream ticket's nonce (the worker has checked its signature and expiry): true the first time,
   * false for a ticket used before. Nonces are kept until their ticket expires (wall clock), then forgotten.
   */
  redeemTicket(nonce: string, expiresAt: number): boolean {
    this.sql.exec("DELETE FROM tickets WHERE expires_at < ?", Date.now());
    const used = this.sql.exec("SELECT 1 FROM tickets WHERE nonce = ?", nonce).toArray().length > 0;
    if (used) return false;
    this.sql.exec("INSERT INTO tickets (nonce, expires_at) VALUES (?, ?)", nonce, expiresAt);
    return true;
  }

  /** Accepts an upgrade the worker has already authenticated. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const url = new URL(request.url);
    const topics = (url.searchParams.get("topics") ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const since = Number(url.searchParams.get("since") ?? NaN);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ topics } satisfies Attachment);
    server.send(JSON.stringify({ seq: this.seq, ts: this.clock.now(), type: "stream.hello", data: { topics, ...this.replayPlan(since) } }));
    if (Number.isFinite(since)) {
      for (const row of this.sql.exec<{ json: string }>("SELECT json FROM events WHERE seq > ? ORDER BY seq", since).toArray()) {
        const ev = JSON.parse(row.json) as StreamEnvelope;
        if (topicMatches(topics, ev.type)) server.send(row.json);
      }
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * What a `since` replay sends: the events after `replayFrom`. When the kept log starts later than asked, the
   * events in between are gone and `missed` names them (a client then reloads its state through the API).
   */
  private replayPlan(since: number): { replayFrom: number | null; requestedSince?: number; missed?: { from: number; to: number } } {
    if (!Number.isFinite(since)) return { replayFrom: null };
    const oldest = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").toArray()[0]?.seq ?? this.seq + 1;
    if (since + 1 >= oldest || since >= this.seq) return { replayFrom: since };
    return { replayFrom: oldest - 1, requestedSince: since, missed: { from: since + 1, to: oldest - 1 } };
  }

  /**
   * Numbers an event, keeps it for catch-up, mails it to the portfolio's NotifierActor when a notification
   * channel wants its type (in the same synchronous step as its number, keyed by it) and sends it to every
   * matching socket.
   */
  async publish(event: StreamEvent): Promise<number> {
    if (event.id !== undefined) {
      const seen = this.sql.exec<{ seq: number }>("SELECT seq FROM emitted WHERE id = ?", event.id).toArray()[0];
      if (seen) return seen.seq;
    }
    this.seq++;
    this.kv.put("seq", this.seq);
    // In feed-clock mode the stream's time is the newest event's: a hello then carries market time, not 0.
    this.clock.observe(event.ts);
    const envelope: StreamEnvelope = { seq: this.seq, ts: event.ts, type: event.type, data: event.data };
    const json = JSON.stringify(envelope);
    if (!LIVE_ONLY_EVENTS.has(event.type)) this.sql.exec("INSERT INTO events (seq, json) VALUES (?, ?)", this.seq, json);
    if (event.id !== undefined) this.sql.exec("INSERT INTO emitted (id, seq) VALUES (?, ?)", event.id, this.seq);
    if (this.seq % 100 === 0) {
      this.sql.exec("DELETE FROM events WHERE seq <= ?", this.seq - KEEP_EVENTS);
      this.sql.exec("DELETE FROM emitted WHERE seq <= ?", this.seq - KEEP_EMITTED);
    }
    const mailed = this.mailNotifier(envelope);
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      if (!topicMatches(att?.topics ?? [], event.type)) continue;
      try {
        ws.send(json);
      } catch {
        // a socket closing under us: the close handler tidies up
      }
    }
    // The alarm delivers the mail (the publisher does not wait for the notifier).
    if (mailed) await this.arm();
    return envelope.seq;
  }

  /** The portfolio of this stream (`stream:<portfolio>`); the configured one when the id has no name. */
  private portfolioName(): string {
    return portfolioOfName("stream", this.ctx.id.name) ?? this.config.portfolio;
  }

  /** Mails the notifier the envelope if a channel wants its type (and `start` once); answers whether it mailed. */
  private mailNotifier(envelope: StreamEnvelope): boolean {
    this.notifyTypes ??= forwardedStreamTypes(this.config.notifications, channelAvailability(this.env, this.config.notifications));
    if (this.notifyTypes.size === 0) return false;
    const portfolio = this.portfolioName();
    const target = actorName.notifier(portfolio);
    const wall = this.clock.wall();
    let mailed = false;
    if (!this.kv.get<boolean>("notifierStarted")) {
      this.mailbox.post("notifier:start", "NOTIFIER", target, "start", { portfolio }, wall);
      this.kv.put("notifierStarted", true);
      mailed = true;
    }
    if (this.notifyTypes.has(envelope.type)) {
      const msg: NotifyMessage = { portfolio, envelope };
      this.mailbox.post(`notify:${envelope.seq}`, "NOTIFIER", target, "notify", msg, wall);
      mailed = true;
    }
    return mailed;
  }

  clients(): number {
    return this.ctx.getWebSockets().length;
  }

  /** The seed's `/ws/status`: connected clients and their topics, the newest sequence number and the kept log's range. */
  status() {
    const sockets = this.ctx.getWebSockets();
    const oldest = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").toArray()[0]?.seq ?? null;
    const topics = new Map<string, number>();
    for (const ws of sockets) {
      const held = (ws.deserializeAttachment() as Attachment | null)?.topics ?? [];
      for (const t of held.length > 0 ? held : ["(all)"]) topics.set(t, (topics.get(t) ?? 0) + 1);
    }
    return { clients: sockets.length, seq: this.seq, oldestKept: oldest, keep: KEEP_EVENTS, maxTopicsPerClient: MAX_TOPICS, topics: Object.fromEntries(topics) };
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let parsed: z.infer<typeof ClientMessageSchema>;
    try {
      const r = ClientMessageSchema.safeParse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? "invalid message");
      parsed = r.data;
    } catch (err) {
      this.reply(ws, "stream.error", { message: `expected {"subscribe":[...]}, {"unsubscribe":[...]} or {"ping":...}: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const att = (ws.deserializeAttachment() as Attachment | null) ?? { topics: [] };
    if ("subscribe" in parsed) {
      const topics = [...new Set([...att.topics, ...parsed.subscribe])];
      if (topics.length > MAX_TOPICS) {
        this.reply(ws, "stream.error", {
          message: `at most ${MAX_TOPICS} topics per connection (this would make ${topics.length}); unsubscribe first or use a wildcard like position.*`,
          topics: att.topics,
        });
        return;
      }
      att.topics = topics;
    } else if ("unsubscribe" in parsed) att.topics = att.topics.filter((t) => !parsed.unsubscribe.includes(t));
    else {
      this.reply(ws, "stream.pong", { topics: att.topics });
      return;
    }
    ws.serializeAttachment(att);
    this.reply(ws, "stream.ack", { topics: att.topics });
  }

  /** An answer to one socket; a socket closing under us is left to the close handler. */
  private reply(ws: WebSocket, type: string, data: unknown): void {
    try {
      ws.send(JSON.stringify({ seq: this.seq, ts: this.clock.now(), type, data }));
    } catch {
      // closing
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  /** The stream keeps no timers of its own (its alarm delivers mail and history). */
  protected readonly timerHandlers = {};
}
