import { errorMessage } from "../../adapters/log";

export interface FeedSocketEvents {
  open(): void;
  frame(raw: string): void;
  /** The socket is gone (closed, failed, or dropped as silent): reported once per socket. */
  lost(why: string): void;
}

/**
 * The outbound kline WebSocket of one market: opens it, hands its frames on in arrival order and reports its loss
 * once. Events of a socket that was replaced or closed on purpose are ignored.
 */
export class FeedSocket {
  private ws: WebSocket | null = null;

  constructor(private readonly events: FeedSocketEvents) {}

  get connected(): boolean {
    return this.ws !== null;
  }

  open(url: string): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      this.events.lost(`cannot open ${url}: ${errorMessage(err)}`);
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws === ws) this.events.open();
    });
    ws.addEventListener("message", (ev) => {
      if (this.ws !== ws) return;
      this.events.frame(typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer));
    });
    const lost = (why: string) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.events.lost(why);
    };
    ws.addEventListener("close", (ev) => lost(`closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
    ws.addEventListener("error", () => lost("socket error"));
  }

  /** Drops the socket as lost (it fell silent): reported like a close, then closed with `code`. */
  drop(why: string, code: number, reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.events.lost(why);
    ws.close(code, reason);
  }

  /** Closes on purpose (the feed stops): not reported as lost. */
  close(code: number, reason: string): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close(code, reason);
  }
}
