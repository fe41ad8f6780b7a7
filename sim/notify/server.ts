import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../shared/read-body";

/**
 * A local stand-in for the receivers of notifications, speaking their request and answer shapes:
 * - Telegram Bot API: `POST /telegram/bot<token>/sendMessage` → `{ok:true,result:{message_id,…}}`, or
 *   `{ok:false,error_code,description,parameters:{retry_after}}` (point TELEGRAM_API_URL at `<url>/telegram`);
 * - a Discord webhook: `POST /discord/api/webhooks/<id>/<token>` → 204, or 429 `{message,retry_after,global}`
 *   with Retry-After;
 * - a generic webhook sink: `POST /webhook/<anything>`, verifying `X-Edgetrader-Signature` (HMAC-SHA256 of
 *   `<timestamp>.<body>`) and refusing a timestamp more than 300 s away (401).
 * Control: `POST /sim/faults` arms answers for the next matching requests, `GET /sim/received` lists what
 * came in (with what was answered), `POST /sim/reset` forgets both.
 */

export const CHANNELS = ["telegram", "discord", "webhook"] as const;
export type SimChannel = (typeof CHANNELS)[number];

/** One armed answer: an HTTP status (5xx, 429 with retryAfter seconds, any 4xx), optionally after a delay. */
export interface FaultStep {
  status: number;
  /** Seconds, for 429 (Telegram: integer in parameters.retry_after; Discord: float in the body and the header). */
  retryAfter?: number;
  /** Hold the answer this long first (a send cut by a timeout or an eviction). */
  delayMs?: number;
}

export interface ArmedFaults {
  channel: SimChannel;
  /** Only requests whose raw body contains this text consume the steps (tests sharing the server stay apart). */
  match?: string;
  steps: FaultStep[];
}

export interface Received {
  seq: number;
  channel: SimChannel;
  at: number;
  /** The path with any token replaced by `<token>`. */
  path: string;
  /** null while the answer is held. */
  status: number | null;
  body: unknown;
  /** Telegram `text`, Discord `content`, the webhook body's `text`. */
  text: string | null;
  chatId: string | null;
  replyTo: number | null;
  headers: Record<string, string | null>;
  /** Webhook: whether the signature and timestamp checked out; null on other channels. */
  verified: boolean | null;
  /** Why a request was refused by the sink's own checks (bad token, bad signature, old timestamp). */
  refusal: string | null;
  /** The sender hung up while the answer was held (a timeout, a crash): it never learnt `status`. */
  abandoned: boolean;
}

export interface NotifySimOptions {
  port?: number;
  host?: string;
  /** The bot token Telegram calls must carry; any when absent. */
  telegramToken?: string;
  /** The webhook sink's HMAC secret; signatures are not checked when absent. */
  webhookSecret?: string;
  /** Largest |now − timestamp| the sink accepts, seconds (300). */
  toleranceSec?: number;
  log?: (line: string) => void;
}

export interface NotifySim {
  url: string;
  port: number;
  arm(f: ArmedFaults): void;
  received(filter?: { channel?: SimChannel; match?: string }): Received[];
  reset(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** Verifies a signed webhook request as a receiver would: fresh timestamp, HMAC in constant time. */
export function verifyWebhook(secret: string, rawBody: string, timestamp: string | null, signature: string | null, nowSec: number, toleranceSec = 300): string | null {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return "missing or malformed X-Edgetrader-Timestamp";
  if (Math.abs(nowSec - Number(timestamp)) > toleranceSec) return "timestamp too old (or too far ahead)";
  const m = /^v1=([0-9a-f]{64})$/.exec(signature ?? "");
  if (!m) return "missing or malformed X-Edgetrader-Signature";
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(m[1]!, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "signature does not match";
}

export async function startNotifySim(o: NotifySimOptions = {}): Promise<NotifySim> {
  const host = o.host ?? "127.0.0.1";
  const log = o.log ?? (() => {});
  const tolerance = o.toleranceSec ?? 300;
  let armed: ArmedFaults[] = [];
  let received: Received[] = [];
  let seq = 0;
  let messageId = 1000;

  /** The next armed step for a request of `channel` whose body contains the armed match. */
  const takeFault = (channel: SimChannel, raw: string): FaultStep | null => {
    for (const f of armed) {
      if (f.channel !== channel || f.steps.length === 0) continue;
      if (f.match !== undefined && !raw.includes(f.match)) continue;
      const step = f.steps.shift()!;
      armed = armed.filter((a) => a.steps.length > 0);
      return step;
    }
    return null;
  };

  const answerTelegram = (step: FaultStep | null, body: Record<string, unknown>): [number, unknown, Record<string, string>] => {
    if (step && step.status === 429) {
      const after = Math.max(1, Math.round(step.retryAfter ?? 1));
      return [429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${after}`, parameters: { retry_after: after } }, {}];
    }
    if (step && step.status >= 400) return [step.status, { ok: false, error_code: step.status, description: step.status >= 500 ? "Internal Server Error" : "Bad Request: armed fault" }, {}];
    const chatId = body.chat_id;
    return [200, { ok: true, result: { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" }, text: body.text } }, {}];
  };

  const answerDiscord = (step: FaultStep | null, body: Record<string, unknown>): [number, unknown, Record<string, string>] => {
    if (step && step.status === 429) {
      const after = step.retryAfter ?? 0.5;
      return [
        429,
        { message: "You are being rate limited.", retry_after: after, global: false },
        { "Retry-After": String(Math.ceil(after)), "X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user" },
      ];
    }
    if (step && step.status >= 400) return [step.status, { message: step.status >= 500 ? "Internal Server Error" : "armed fault", code: 0 }, {}];
    const content = body.content;
    if (typeof content !== "string" || content.length === 0) return [400, { message: "Cannot send an empty message", code: 50006 }, {}];
    if (content.length > 2000)
      return [400, { message: "Invalid Form Body", code: 50035, errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } } }, {}];
    return [204, null, {}];
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://sim");
    const raw = await readBody(req, 1 << 20);
    const method = req.method ?? "GET";
    if (u.pathname === "/sim/faults" && method === "POST") {
      const f = parse(raw) as ArmedFaults | undefined;
      if (!f || !CHANNELS.includes(f.channel) || !Array.isArray(f.steps) || f.steps.some((s) => !Number.isInteger(s.status)))
        return send(res, 400, { error: 'expected {"channel":"telegram|discord|webhook","match"?:string,"steps":[{"status":500},…]}' });
      armed.push({ channel: f.channel, ...(typeof f.match === "string" ? { match: f.match } : {}), steps: [...f.steps] });
      return send(res, 200, { armed: armed.length });
    }
    if (u.pathname === "/sim/received" && method === "GET") {
      const channel = u.searchParams.get("channel") as SimChannel | null;
      const match = u.searchParams.get("match") ?? undefined;
      return send(res, 200, sim.received({ ...(channel ? { channel } : {}), ...(match ? { match } : {}) }));
    }
    if (u.pathname === "/sim/reset" && method === "POST") {
      sim.reset();
      return send(res, 200, { ok: true });
    }
    if (method !== "POST") return send(res, 404, { error: `no route ${method} ${u.pathname}` });

    const tg = /^\/telegram\/bot([^/]+)\/([A-Za-z]+)$/.exec(u.pathname);
    const dc = /^\/discord\/api\/webhooks\/(\d+)\/([^/]+)$/.exec(u.pathname);
    const wh = u.pathname.startsWith("/webhook/") || u.pathname === "/webhook";
    const channel: SimChannel | null = tg ? "telegram" : dc ? "discord" : wh ? "webhook" : null;
    if (!channel) return send(res, 404, { error: `no route POST ${u.pathname}` });
    const json = parse(raw);
    const body = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
    const rec: Received = {
      seq: ++seq,
      channel,
      at: Date.now(),
      path: tg ? `/telegram/bot<token>/${tg[2]}` : dc ? `/discord/api/webhooks/${dc[1]}/<token>` : u.pathname,
      status: null,
      body: json ?? raw,
      text:
        channel === "telegram"
          ? typeof body.text === "string"
            ? body.text
            : null
          : channel === "discord"
            ? typeof body.content === "string"
              ? body.content
              : null
            : typeof body.text === "string"
              ? body.text
              : null,
      chatId: body.chat_id === undefined ? null : String(body.chat_id),
      replyTo: (body.reply_parameters as { message_id?: number } | undefined)?.message_id ?? null,
      headers: Object.fromEntries(["content-type", "x-edgetrader-timestamp", "x-edgetrader-signature", "x-edgetrader-delivery", "x-edgetrader-event"].map((h) => [h, header(req, h)])),
      verified: null,
      refusal: null,
      abandoned: false,
    };
    received.push(rec);
    const answer = (status: number, b: unknown, h: Record<string, string> = {}) => {
      rec.status = status;
      log(`${channel} ${rec.path} -> ${status}`);
      send(res, status, b, h);
    };

    // The receiver's own checks come first: a bad token or signature is refused whatever is armed.
    if (tg) {
      if (o.telegramToken !== undefined && tg[1] !== o.telegramToken) {
        rec.refusal = "bad token";
        return answer(401, { ok: false, error_code: 401, description: "Unauthorized" });
      }
      if (tg[2] !== "sendMessage") return answer(404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
    if (wh && o.webhookSecret !== undefined) {
      const why = verifyWebhook(o.webhookSecret, raw, header(req, "x-edgetrader-timestamp"), header(req, "x-edgetrader-signature"), Math.floor(Date.now() / 1000), tolerance);
      rec.verified = why === null;
      if (why) {
        rec.refusal = why;
        return answer(401, { error: why });
      }
    }
    const step = takeFault(channel, raw);
    if (step?.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (res.destroyed || req.socket.destroyed) {
      // The sender gave up (timeout, crash): it never learns the answer; the armed status is what the receiver decided.
      rec.status = step?.status ?? 200;
      rec.abandoned = true;
      return;
    }
    if (channel === "telegram") return answer(...answerTelegram(step, body));
    if (channel === "discord") return answer(...answerDiscord(step, body));
    if (step && step.status === 429) return answer(429, { error: "rate limited" }, { "Retry-After": String(step.retryAfter ?? 1) });
    if (step && step.status >= 400) return answer(step.status, { error: "armed fault" });
    return answer(200, { ok: true });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      send(res, 500, { error: e instanceof Error ? e.message : String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sim: NotifySim = {
    url: `http://${host}:${port}`,
    port,
    arm: (f) => void armed.push({ ...f, steps: [...f.steps] }),
    received: (filter = {}) => received.filter((r) => (filter.channel === undefined || r.channel === filter.channel) && (filter.match === undefined || JSON.stringify(r.body).includes(filter.match))),
    reset: () => {
      armed = [];
      received = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sim;
}
