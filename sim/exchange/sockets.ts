import type { WebSocket } from "ws";
import { combined } from "./frames";

/** One market-stream WebSocket: raw (`/ws/...`) or combined (`/stream?streams=...`), with live (un)subscription. */
export class StreamClient {
  readonly streams = new Set<string>();
  /** Wall-clock ms until which this socket's link is "stalled" (silence fault): frames are dropped. */
  silencedUntil = 0;
  private last: Promise<void> = Promise.resolve();

  constructor(
    readonly ws: WebSocket,
    readonly combined: boolean,
    initial: readonly string[],
  ) {
    for (const s of initial) if (s) this.streams.add(s);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  silenced(): boolean {
    return Date.now() < this.silencedUntil;
  }

  /** Sends a data frame for `stream`, wrapped for combined sockets. False if dropped (closed or silenced). */
  sendFrame(stream: string, payload: string): boolean {
    return this.sendRaw(this.combined ? combined(stream, payload) : payload);
  }

  sendRaw(text: string): boolean {
    if (!this.open || this.silenced()) return false;
    this.last = new Promise((resolve) => this.ws.send(text, () => resolve()));
    return true;
  }

  /** Resolves once everything sent so far has been handed to the OS. */
  flushed(): Promise<void> {
    return this.last;
  }

  /** Answers a live control message the way Binance's market-stream endpoint does. */
  handleControl(raw: string): string {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return JSON.stringify({ error: { code: 3, msg: "Invalid JSON: expected value" }, id: null });
    }
    const m = (msg ?? {}) as { method?: unknown; params?: unknown; id?: unknown };
    const id = m.id ?? null;
    const params = Array.isArray(m.params) ? m.params.filter((p): p is string => typeof p === "string") : [];
    switch (m.method) {
      case "SUBSCRIBE":
        params.forEach((p) => this.streams.add(p));
        return JSON.stringify({ result: null, id });
      case "UNSUBSCRIBE":
        params.forEach((p) => this.streams.delete(p));
        return JSON.stringify({ result: null, id });
      case "LIST_SUBSCRIPTIONS":
        return JSON.stringify({ result: [...this.streams], id });
      case "SET_PROPERTY":
        return JSON.stringify({ result: null, id });
      case "GET_PROPERTY":
        return JSON.stringify({ result: this.combined, id });
      default:
        return JSON.stringify({
          error: { code: 2, msg: "Invalid request: unknown variant, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY" },
          id,
        });
    }
  }
}
