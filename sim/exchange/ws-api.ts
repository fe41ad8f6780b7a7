import type { WebSocket } from "ws";
import { ApiError, errors } from "./http-util";
import { verifyParamsSignature } from "./signing";

/** One WebSocket API connection and the user-data subscriptions it holds. */
export class WsApiConnection {
  readonly subscriptions = new Set<number>();
  /** Wall-clock ms until which this link is stalled (silence fault): frames are dropped. */
  silencedUntil = 0;
  /** Ids are per connection, counted from 0 over its lifetime, as on Binance. */
  nextSubscriptionId = 0;
  private last: Promise<void> = Promise.resolve();

  constructor(readonly ws: WebSocket) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(text: string): boolean {
    if (!this.open || Date.now() < this.silencedUntil) return false;
    this.last = new Promise((resolve) => this.ws.send(text, () => resolve()));
    return true;
  }

  /** Resolves once everything sent so far has been handed to the OS. */
  flushed(): Promise<void> {
    return this.last;
  }
}

/** A WebSocket API answer: `result` on success, `error` (Binance's code and message) on failure. */
export interface WsApiReply {
  id: unknown;
  status: number;
  result?: unknown;
  error?: { code: number; msg: string };
}

const RECV_WINDOW_MAX = 60_000;
const notSupported = () => new ApiError(400, -1020, "This operation is not supported.");

/**
 * The session's WebSocket API (`<base>/ws-api/v3`), the part a user-data client needs: `ping`,
 * `userDataStream.subscribe.signature` (apiKey, timestamp, optional recvWindow, HMAC signature of the other params
 * sorted by name) and `userDataStream.unsubscribe` (one `subscriptionId`, or all). Every account event of the session
 * goes to every subscription as `{"subscriptionId": N, "event": {...}}`. As with REST, `timestamp` is not compared
 * with any clock (clients sign with wall time, the exchange runs on replay time).
 */
export class WsApi {
  readonly connections = new Set<WsApiConnection>();
  eventsSent = 0;

  constructor(private readonly d: { apiKey: string; apiSecret: string }) {}

  attach(ws: WebSocket): WsApiConnection {
    const c = new WsApiConnection(ws);
    this.connections.add(c);
    ws.on("message", (data) => c.send(JSON.stringify(this.request(c, String(data)))));
    ws.on("close", () => this.connections.delete(c));
    ws.on("error", () => this.connections.delete(c));
    return c;
  }

  /** Answers one request frame of connection `c`. */
  request(c: WsApiConnection, raw: string): WsApiReply {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return failure(null, new ApiError(400, -1102, "Malformed request: not valid JSON."));
    }
    if (!msg || typeof msg !== "object" || Array.isArray(msg)) return failure(null, new ApiError(400, -1102, "Malformed request: expected a JSON object."));
    const m = msg as { id?: unknown; method?: unknown; params?: unknown };
    const id = m.id ?? null;
    const params = m.params && typeof m.params === "object" && !Array.isArray(m.params) ? (m.params as Record<string, unknown>) : {};
    try {
      switch (m.method) {
        case "ping":
          return { id, status: 200, result: {} };
        case "userDataStream.subscribe.signature":
          return { id, status: 200, result: { subscriptionId: this.subscribe(c, params) } };
        case "userDataStream.unsubscribe":
          this.unsubscribe(c, params);
          return { id, status: 200, result: {} };
        case undefined:
          throw errors.mandatory("method");
        default:
          throw notSupported();
      }
    } catch (e) {
      if (e instanceof ApiError) return failure(id, e);
      throw e;
    }
  }

  /** Sends one account event (its JSON) to every subscription; answers how many frames left. */
  publish(payload: string): number {
    let sent = 0;
    for (const c of this.connections) {
      for (const sub of c.subscriptions) if (c.send(`{"subscriptionId":${sub},"event":${payload}}`)) sent++;
    }
    this.eventsSent += sent;
    return sent;
  }

  state(): { sockets: number; subscriptions: number; eventsSent: number } {
    const open = [...this.connections].filter((c) => c.open);
    return { sockets: open.length, subscriptions: open.reduce((n, c) => n + c.subscriptions.size, 0), eventsSent: this.eventsSent };
  }

  private subscribe(c: WsApiConnection, p: Record<string, unknown>): number {
    if (typeof p["apiKey"] !== "string" || p["apiKey"] === "") throw errors.mandatory("apiKey");
    if (!isInteger(p["timestamp"])) throw errors.mandatory("timestamp");
    if (p["recvWindow"] !== undefined && !(Number(p["recvWindow"]) > 0 && Number(p["recvWindow"]) <= RECV_WINDOW_MAX)) {
      throw new ApiError(400, -1102, `'recvWindow' contains unexpected value. Cannot be greater than ${RECV_WINDOW_MAX}.`);
    }
    if (p["apiKey"] !== this.d.apiKey) throw new ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.");
    verifyParamsSignature(p, this.d.apiSecret);
    // One subscription per account per connection (the session has one account).
    if (c.subscriptions.size > 0) throw new ApiError(400, -2035, "User Data Stream subscription already active.");
    const id = c.nextSubscriptionId++;
    c.subscriptions.add(id);
    return id;
  }

  private unsubscribe(c: WsApiConnection, p: Record<string, unknown>): void {
    const id = p["subscriptionId"];
    if (id === undefined) {
      c.subscriptions.clear();
      return;
    }
    if (!isInteger(id) || !c.subscriptions.delete(Number(id))) throw new ApiError(400, -2036, "User Data Stream subscription not active.");
  }
}

function isInteger(v: unknown): boolean {
  return (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^\d{1,20}$/.test(v));
}

function failure(id: unknown, e: ApiError): WsApiReply {
  return { id, status: e.status, error: { code: e.code, msg: e.message } };
}
