import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { ControlsView } from "../../src/actors/account-actor";
import { migrateD1, waitFor, worker } from "../workers/support";
import { received, sleep } from "./notify-support";

/**
 * Telegram commands through POST /telegram/webhook (the configured portfolio "main", this file's own storage):
 * the secret-token header, the allowed chats (TELEGRAM_CHAT_IDS = 1001,1002), the account's RPCs, and the
 * replies reaching the local Bot API (sim/notify).
 */
const SECRET = env.TELEGRAM_WEBHOOK_SECRET!;
let updateId = 7_000;
let messageId = 500;

function update(chatId: number, text: string, id = ++updateId) {
  return { update_id: id, message: { message_id: ++messageId, date: 1_774_612_800, chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "Op" }, text } };
}

function post(body: unknown, secret: string | null = SECRET): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
  return worker().fetch("http://edgetrader.test/telegram/webhook", { method: "POST", headers, body: JSON.stringify(body) });
}

const controls = async () => (await env.ACCOUNT.getByName("account:main").controls()) as unknown as ControlsView;

/** The replies the fake Bot API got for a chat, as answers to `replyTo`. */
async function replies(chatId: string, replyTo: number) {
  return (await received(`"chat_id":"${chatId}"`, "telegram")).filter((r) => r.replyTo === replyTo);
}

function untilReply(chatId: string, replyTo: number) {
  return waitFor(async () => {
    const r = await replies(chatId, replyTo);
    return r.length > 0 && r.every((x) => x.status !== null) ? r : null;
  }, `reply to message ${replyTo} in chat ${chatId}`);
}

describe("Telegram commands (POST /telegram/webhook)", () => {
  beforeAll(async () => {
    await migrateD1();
    await env.ACCOUNT.getByName("account:main").init({ portfolio: "main", venue: "binance", restUrl: inject("simUrl"), symbols: ["BTC/USDT", "ETH/USDT"], initialCash: 10_000 });
  });

  it("a missing or wrong secret-token header is 401 with the reason; nothing runs", async () => {
    const none = await post(update(1001, "/pause"), null);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: "unauthorized", message: "missing X-Telegram-Bot-Api-Secret-Token header (the secret_token given to setWebhook)" } });
    const wrong = await post(update(1001, "/pause"), "not-the-secret");
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe("invalid X-Telegram-Bot-Api-Secret-Token header");
    // The body is not even read without the secret: a malformed one is still 401.
    expect((await post({ nonsense: true }, "nope")).status).toBe(401);
    expect((await controls()).paused).toBeNull();
  });

  it("a malformed update is 400 with the reason; an update without text is ignored", async () => {
    const bad = await post({ update_id: "x" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "invalid_body", message: expect.stringContaining("update_id") });
    const edited = await post({ update_id: ++updateId, edited_message: { message_id: 1, date: 1, chat: { id: 1001, type: "private" }, text: "/pause" } });
    expect(await edited.json()).toEqual({ ok: true, ignored: "no message text" });
    expect(await (await post(update(1001, "good morning"))).json()).toEqual({ ok: true, ignored: "not a command" });
  });

  it("a command from a chat that is not allowed is refused with a reply saying so, and changes nothing", async () => {
    const u = update(4242, "/pause");
    const res = await post(u);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, refused: "chat 4242 is not in TELEGRAM_CHAT_IDS" });
    const [reply] = await untilReply("4242", u.message.message_id);
    expect(reply).toMatchObject({ status: 200, chatId: "4242", text: "This chat (4242) is not allowed to control this bot. Add its id to TELEGRAM_CHAT_IDS to allow it." });
    expect((await controls()).paused).toBeNull();
    const forced = update(4242, "/forceexit all");
    await post(forced);
    await untilReply("4242", forced.message.message_id);
    expect((await controls()).recentActions).toEqual([]);
  });

  it("/pause from an allowed chat pauses the account, the answer reaches Telegram, and a redelivered update runs nothing twice", async () => {
    const u = update(1002, "/pause news at 14:00");
    const res = await post(u);
    expect(await res.json()).toEqual({ ok: true });
    const c = await controls();
    expect(c.paused).toMatchObject({ by: "telegram:1002", reason: "news at 14:00" });
    expect(c.recentActions.map((a) => [a.action, a.by])).toEqual([["pause", "telegram:1002"]]);
    const [reply] = await untilReply("1002", u.message.message_id);
    expect(reply!.text).toBe("Entries paused (exits go on). /resume clears it.\nState ACTIVE: entries paused by telegram:1002: news at 14:00");
    // Telegram delivers the same update again (its call to us failed): no second action, no second reply.
    expect(await (await post(u)).json()).toEqual({ ok: true, duplicate: true });
    await sleep(500);
    expect((await controls()).recentActions).toHaveLength(1);
    expect(await replies("1002", u.message.message_id)).toHaveLength(1);
    // The pause was also told to the notification chat (1001) as an event.
    await waitFor(async () => (await received("Entries paused [main]", "telegram")).some((r) => r.chatId === "1001" && r.status === 200), "pause notification");
  });

  it("/status, /positions, /profit and /forceexit answer from the account; /resume clears the pause", async () => {
    const ask = async (text: string) => {
      const u = update(1001, text);
      expect((await post(u)).status).toBe(200);
      return (await untilReply("1001", u.message.message_id))[0]!.text!;
    };
    expect(await ask("/status")).toBe(
      ["Status [main]: ACTIVE", "Equity 10,000.00 (day +0.00, +0.00%), cash 10,000.00, exposure 0.00", "0 positions in the book", "Paused by telegram:1002: news at 14:00"].join("\n"),
    );
    expect(await ask("/positions")).toBe("No open positions [main].");
    expect(await ask("/profit")).toMatch(/^Profit \[main\], since \d{4}-\d\d-\d\d:\nEquity 10,000\.00 \(day \+0\.00, \+0\.00%\)\n/);
    expect(await ask("/forceexit")).toBe("Say which: /forceexit <symbol> (e.g. /forceexit BTC) or /forceexit all.");
    expect(await ask("/forceexit SOL")).toBe("No position in SOL in the book (the book is empty).");
    expect(await ask("/buy BTC")).toMatch(/^Unknown command \/buy\.\nCommands:\n\/status/);
    expect(await ask("/resume back to work")).toBe("Resumed.\nState ACTIVE");
    const c = await controls();
    expect(c.paused).toBeNull();
    // Newest first.
    expect(c.recentActions.map((a) => [a.action, a.by, a.reason])).toEqual([
      ["resume", "telegram:1001", "back to work"],
      ["pause", "telegram:1002", "news at 14:00"],
    ]);
    // A position in the book (its entry pending): listed, and exited by symbol, however spelled.
    const entry = await env.ACCOUNT.getByName("account:main").requestEntry({
      decisionId: "tg-d1",
      at: Date.UTC(2026, 2, 26, 12),
      symbol: "BTC/USDT",
      positionPct: 0.1,
      agent: "test",
      reason: "telegram test",
    });
    expect(entry.accepted, entry.detail).toBe(true);
    expect(await ask("/positions")).toBe(`Positions [main]:\nBTC/USDT entry pending (${entry.positionId})`);
    expect(await ask("/forceexit btc")).toBe(`Exiting ${entry.positionId} at the market.`);
    expect((await controls()).recentActions[0]).toMatchObject({ action: "force_exit", by: "telegram:1001", reason: "force exit from Telegram (btc)", detail: { positions: [entry.positionId] } });
  });
});
