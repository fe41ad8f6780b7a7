import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendDiscord } from "../../../src/adapters/notify/discord";
import { retryAfterMs } from "../../../src/adapters/notify/send-util";
import { sendTelegram } from "../../../src/adapters/notify/telegram";
import { hmacSha256Hex } from "../../../src/adapters/hash";
import { sendWebhook } from "../../../src/adapters/notify/webhook";
import { startNotifySim, verifyWebhook, type NotifySim } from "../../../sim/notify/server";

const TOKEN = "123456:unit-token";
const SECRET = "unit-webhook-secret";
let sim: NotifySim;

beforeAll(async () => {
  sim = await startNotifySim({ telegramToken: TOKEN, webhookSecret: SECRET });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const tg = (text: string, timeoutMs = 2_000) => sendTelegram(`${sim.url}/telegram`, TOKEN, { chat_id: "1001", text }, timeoutMs);
const discordUrl = () => `${sim.url}/discord/api/webhooks/42/secret-webhook-token`;

describe("Telegram sendMessage against the local Bot API", () => {
  it("sends, and the fake server received the chat, the text and no parse mode", async () => {
    expect(await tg("hello")).toEqual({ kind: "sent" });
    const [r] = sim.received({ channel: "telegram" });
    expect(r).toMatchObject({ path: "/telegram/bot<token>/sendMessage", status: 200, chatId: "1001", text: "hello" });
    expect((r!.body as Record<string, unknown>).parse_mode).toBeUndefined();
  });

  it("a 429 waits parameters.retry_after; a 5xx is retried; a 400 is final", async () => {
    sim.arm({ channel: "telegram", steps: [{ status: 429, retryAfter: 3 }, { status: 502 }, { status: 400 }] });
    expect(await tg("a")).toEqual({ kind: "rate_limited", retryAfterMs: 3_000, error: "telegram: 429 Too Many Requests: retry after 3" });
    expect(await tg("b")).toEqual({ kind: "retry", error: "telegram: HTTP 502 Internal Server Error" });
    expect(await tg("c")).toEqual({ kind: "failed", error: "telegram: HTTP 400 Bad Request: armed fault" });
  });

  it("a wrong token is refused (401, final) and the token never appears in an outcome", async () => {
    const r = await sendTelegram(`${sim.url}/telegram`, "999:wrong", { chat_id: "1", text: "x" }, 2_000);
    expect(r).toEqual({ kind: "failed", error: "telegram: HTTP 401 Unauthorized" });
    const down = await sendTelegram("http://127.0.0.1:1", TOKEN, { chat_id: "1", text: "x" }, 2_000);
    expect(down.kind).toBe("retry");
    expect(JSON.stringify(down)).not.toContain(TOKEN);
  });

  it("a timeout is a retry that names neither the URL nor the token", async () => {
    sim.arm({ channel: "telegram", steps: [{ status: 200, delayMs: 600 }] });
    const r = await tg("slow", 200);
    expect(r).toEqual({ kind: "retry", error: "telegram: timed out after 200 ms" });
  });
});

describe("Discord webhook against the local endpoint", () => {
  it("204 is sent, with mentions disabled", async () => {
    expect(await sendDiscord(discordUrl(), "**hi**", 2_000, Date.now())).toEqual({ kind: "sent" });
    const [r] = sim.received({ channel: "discord" });
    expect(r).toMatchObject({ status: 204, text: "**hi**", path: "/discord/api/webhooks/42/<token>" });
    expect((r!.body as Record<string, unknown>).allowed_mentions).toEqual({ parse: [] });
  });

  it("a 429 waits the body's float retry_after; 5xx retries; an empty message is final", async () => {
    sim.arm({ channel: "discord", steps: [{ status: 429, retryAfter: 0.25 }, { status: 503 }] });
    expect(await sendDiscord(discordUrl(), "a", 2_000, Date.now())).toEqual({ kind: "rate_limited", retryAfterMs: 250, error: "discord: 429" });
    expect(await sendDiscord(discordUrl(), "b", 2_000, Date.now())).toEqual({ kind: "retry", error: "discord: HTTP 503 Internal Server Error" });
    expect(await sendDiscord(discordUrl(), "", 2_000, Date.now())).toEqual({ kind: "failed", error: "discord: HTTP 400 Cannot send an empty message" });
  });

  it("Retry-After: seconds or an HTTP date", () => {
    expect(retryAfterMs("2", 0)).toBe(2_000);
    expect(retryAfterMs(0.3, 0)).toBe(300);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs("soon", 0)).toBeNull();
  });
});

describe("the signed webhook", () => {
  it("the sink verifies the HMAC of `<timestamp>.<body>` and the delivery id arrives", async () => {
    const body = JSON.stringify({ id: "main:ev:1", event: "halt" });
    expect(await sendWebhook(`${sim.url}/webhook/in`, SECRET, body, "main:ev:1", "halt", 2_000, Date.now())).toEqual({ kind: "sent" });
    const [r] = sim.received({ channel: "webhook" });
    expect(r).toMatchObject({ status: 200, verified: true, headers: { "x-edgetrader-delivery": "main:ev:1", "x-edgetrader-event": "halt", "content-type": "application/json" } });
    expect(r!.headers["x-edgetrader-signature"]).toBe(`v1=${await hmacSha256Hex(SECRET, `${r!.headers["x-edgetrader-timestamp"]}.${body}`)}`);
  });

  it("a wrong secret or an old timestamp is refused by the receiver (401: final)", async () => {
    const body = '{"x":1}';
    expect(await sendWebhook(`${sim.url}/webhook/in`, "not-the-secret", body, "d1", "alert", 2_000, Date.now())).toEqual({ kind: "failed", error: "webhook: HTTP 401" });
    expect(await sendWebhook(`${sim.url}/webhook/in`, SECRET, body, "d2", "alert", 2_000, Date.now() - 600_000)).toEqual({ kind: "failed", error: "webhook: HTTP 401" });
    expect(sim.received({ channel: "webhook" }).map((r) => r.refusal)).toEqual(["signature does not match", "timestamp too old (or too far ahead)"]);
  });

  it("a receiver's verification in a few lines (the documented recipe)", async () => {
    const nowSec = 1_774_612_800;
    const body = '{"event":"kill"}';
    const sig = `v1=${await hmacSha256Hex(SECRET, `${nowSec}.${body}`)}`;
    expect(verifyWebhook(SECRET, body, String(nowSec), sig, nowSec + 10)).toBeNull();
    expect(verifyWebhook(SECRET, body + " ", String(nowSec), sig, nowSec)).toBe("signature does not match");
    expect(verifyWebhook(SECRET, body, String(nowSec), sig, nowSec + 301)).toBe("timestamp too old (or too far ahead)");
  });

  it("a URL with a token in its query never shows in a network error", async () => {
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=sekret-query-token`;
    const r = await sendWebhook(url, SECRET, "{}", "d", "alert", 2_000, Date.now());
    server.close();
    expect(r.kind).toBe("retry");
    expect(JSON.stringify(r)).not.toContain("sekret-query-token");
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });
});
