import { z } from "zod";
import { Actor } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { StreamEvent } from "./messages";

const KEEP_EVENTS = 500;

export interface StreamEnvelope {
  seq: number;
  ts: number;
  type: string;
  data: unknown;
}

interface Attachment {
  topics: string[];
}

const ClientMessageSchema = z.union([
  z.object({ subscribe: z.array(z.string().max(64)).max(32) }),
  z.object({ unsubscribe: z.array(z.string().max(64)).max(32) }),
  z.object({ ping: z.unknown() }),
]);

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

  protected override migrations(): Migration[] {
    return [{ name: "stream-0001", statements: ["CREATE TABLE events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)"] }];
  }

  /** Accepts an upgrade the worker has already authenticated. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const url = new URL(request.url);
    const topics = (url.searchParams.get("topics") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    const since = Number(url.searchParams.get("since") ?? NaN);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ topics } satisfies Attachment);
    server.send(JSON.stringify({ seq: this.seq, ts: this.clock.now(), type: "stream.hello", data: { topics, replayFrom: Number.isFinite(since) ? since : null } }));
    if (Number.isFinite(since)) {
      for (const row of this.sql.exec<{ json: string }>("SELECT json FROM events WHERE seq > ? ORDER BY seq", since).toArray()) {
        const ev = JSON.parse(row.json) as StreamEnvelope;
        if (topicMatches(topics, ev.type)) server.send(row.json);
      }
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Numbers an event, keeps it for catch-up and sends it to every matching socket. */
  publish(event: StreamEvent): number {
    this.seq++;
    this.kv.put("seq", this.seq);
    const envelope: StreamEnvelope = { seq: this.seq, ts: event.ts, type: event.type, data: event.data };
    const json = JSON.stringify(envelope);
    this.sql.exec("INSERT INTO events (seq, json) VALUES (?, ?)", this.seq, json);
    if (this.seq % 100 === 0) this.sql.exec("DELETE FROM events WHERE seq <= ?", this.seq - KEEP_EVENTS);
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      if (!topicMatches(att?.topics ?? [], event.type)) continue;
      try {
        ws.send(json);
      } catch {
        // a socket closing under us: the close handler tidies up
      }
    }
    return this.seq;
  }

  clients(): number {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let parsed: z.infer<typeof ClientMessageSchema>;
    try {
      const r = ClientMessageSchema.safeParse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? "invalid message");
      parsed = r.data;
    } catch (err) {
      ws.send(JSON.stringify({ seq: this.seq, ts: this.clock.now(), type: "stream.error", data: { message: `expected {"subscribe":[...]}, {"unsubscribe":[...]} or {"ping":...}: ${err instanceof Error ? err.message : String(err)}` } }));
      return;
    }
    const att = (ws.deserializeAttachment() as Attachment | null) ?? { topics: [] };
    if ("subscribe" in parsed) att.topics = [...new Set([...att.topics, ...parsed.subscribe])];
    else if ("unsubscribe" in parsed) att.topics = att.topics.filter((t) => !parsed.unsubscribe.includes(t));
    ws.serializeAttachment(att);
    ws.send(JSON.stringify({ seq: this.seq, ts: this.clock.now(), type: "stream.ack", data: { topics: att.topics } }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  protected override async onTimer(): Promise<void> {}
}
