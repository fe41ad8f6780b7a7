import WebSocket from "ws";
import { sign } from "../../../sim/exchange/server";

/** Collects every message of a WebSocket; `waitFor` resolves once `n` messages (of a filter) have arrived. */
export class Collector {
  readonly messages: string[] = [];
  readonly ws: WebSocket;
  closed = false;
  closeCode = 0;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on("message", (d) => this.messages.push(String(d)));
    this.ws.on("close", (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    this.ws.on("error", () => {});
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  json<T = any>(): T[] {
    return this.messages.map((m) => JSON.parse(m) as T);
  }

  async waitFor(n: number, pred: (m: string) => boolean = () => true, timeoutMs = 3000): Promise<string[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.messages.filter(pred);
      if (hits.length >= n) return hits;
      if (Date.now() > end) throw new Error(`timed out: ${hits.length}/${n} messages`);
      await sleep(5);
    }
  }

  /** Waits for exactly `n` messages: n arrive, and no more within a short grace period. */
  async exactly(n: number): Promise<any[]> {
    await this.waitFor(n);
    await sleep(20);
    if (this.messages.length !== n) throw new Error(`expected ${n} messages, got ${this.messages.length}`);
    return this.json();
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > end) throw new Error("socket did not close");
      await sleep(5);
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function getJson(url: string): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json(), headers: r.headers };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

/** A SIGNED Binance call the way a plain client makes it: params in the query (GET/DELETE) or body (POST). */
export async function signed(
  restBase: string,
  method: "GET" | "POST" | "DELETE",
  path: string,
  params: Record<string, string | number>,
  creds: { key?: string; secret?: string } = {},
): Promise<{ status: number; body: any }> {
  const q = new URLSearchParams(Object.entries({ ...params, timestamp: Date.now() }).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const full = `${q}&signature=${sign(creds.secret ?? "sim-secret", q)}`;
  const url = `${restBase}/api/v3/${path}` + (method === "POST" ? "" : `?${full}`);
  const r = await fetch(url, {
    method,
    headers: { "X-MBX-APIKEY": creds.key ?? "sim-key", ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    body: method === "POST" ? full : undefined,
  });
  return { status: r.status, body: await r.json() };
}

export const iso = (s: string) => Date.parse(s);

/** A USER_STREAM call (`userDataStream`): API key header (none when `key` is null), no signature. */
export async function keyed(
  restBase: string,
  method: "POST" | "PUT" | "DELETE",
  params: Record<string, string> = {},
  key: string | null = "sim-key",
): Promise<{ status: number; body: any; headers: Headers }> {
  const q = new URLSearchParams(params).toString();
  const r = await fetch(`${restBase}/api/v3/userDataStream${q ? `?${q}` : ""}`, { method, headers: key === null ? {} : { "X-MBX-APIKEY": key } });
  return { status: r.status, body: await r.json(), headers: r.headers };
}

/** The prices a one-frame-per-minute replay (`partials: 0`) steps to within a 1m candle: o→l→h→c or o→h→l→c. */
export function minuteLevels(c: { o: number; h: number; l: number; c: number }): number[] {
  return c.c >= c.o ? [c.l, c.h, c.c] : [c.h, c.l, c.c];
}

/** First level (with its minute index) of the candles at which `pred` holds, for a `partials: 0` replay. */
export function firstLevel(candles: { o: number; h: number; l: number; c: number }[], pred: (price: number) => boolean): { minute: number; price: number } | undefined {
  for (let i = 0; i < candles.length; i++) for (const price of minuteLevels(candles[i]!)) if (pred(price)) return { minute: i, price };
  return undefined;
}

/** Raw WebSocket frames of a user-data socket, parsed and optionally filtered by event type. */
export const events = (c: Collector, e?: string): any[] => c.json().filter((m) => e === undefined || m.e === e || m.data?.e === e);

/** `signed`, also returning the response headers. */
export async function signedRaw(restBase: string, method: "GET" | "POST" | "DELETE", path: string, params: Record<string, string | number>): Promise<{ status: number; body: any; headers: Headers }> {
  const q = new URLSearchParams(Object.entries({ ...params, timestamp: Date.now() }).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const full = `${q}&signature=${sign("sim-secret", q)}`;
  const r = await fetch(`${restBase}/api/v3/${path}?${full}`, { method, headers: { "X-MBX-APIKEY": "sim-key" } });
  return { status: r.status, body: await r.json(), headers: r.headers };
}
