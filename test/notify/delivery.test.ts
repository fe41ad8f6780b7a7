import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Timers } from "../../src/actors/kernel/timers";
import type { Env } from "../../src/env";
import { migrateD1, waitFor } from "../workers/support";
import { accepted, arm, CHANNELS, notifier, received, sleep, stream, untilAccepted } from "./notify-support";

/**
 * The durable path of notifications: StreamActor → mail → NotifierActor → Telegram, Discord and the signed
 * webhook (the local receivers of sim/notify). Each test uses its own portfolio: its name is in every message,
 * so the receivers' faults and records stay per test.
 */
const T = Date.UTC(2026, 2, 27, 12);
/** The actor's timers (a protected field), for a test that moves one. */
const timersOf = (instance: unknown) => (instance as { timers: Timers }).timers;
const opened = (symbol: string) => ({ positionId: `x-${symbol}`, symbol, qty: 0.05, entryPrice: 60_000, fee: 3, reason: "test entry" });
const closed = (id: string, pnl: number) => ({
  positionId: id,
  symbol: "BTC/USDT",
  qty: 0.05,
  entryPrice: 60_000,
  exitPrice: 60_000 + pnl * 20,
  pnl,
  pnlPct: pnl / 3000,
  openedAt: T - 3_600_000,
  closedAt: T,
  exitKind: "review",
  exitReason: "test exit",
});

describe("notifications through the durable path", () => {
  beforeAll(() => migrateD1());

  it("the receiver gets each event once, after three 5xx answers and one 429, on every channel", async () => {
    const P = "nt-once";
    await arm("telegram", P, [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 429, retryAfter: 1 }]);
    await arm("discord", P, [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 429, retryAfter: 0.4 }]);
    await arm("webhook", P, [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 429, retryAfter: 1 }]);
    const seq = await stream(P).publish({ type: "position.opened", ts: T, data: opened("BTC/USDT") });
    await untilAccepted(P);
    await sleep(1_500); // time for a duplicate to show, were there one
    const all = await received(P);
    for (const ch of CHANNELS) {
      const mine = all.filter((r) => r.channel === ch);
      expect(
        mine.map((r) => r.status),
        ch,
      ).toEqual([500, 502, 503, 429, ch === "discord" ? 204 : 200]);
      expect(accepted(mine), ch).toHaveLength(1);
    }
    const [tg, dc, wh] = CHANNELS.map((ch) => accepted(all.filter((r) => r.channel === ch))[0]!);
    expect(tg!.chatId).toBe("1001"); // the first of TELEGRAM_CHAT_IDS
    expect(tg!.text).toBe(`Opened BTC/USDT [${P}]\nBought 0.05 at 60,000.00 (fee 3.00)\nWhy: test entry\nPosition x-BTC/USDT`);
    expect(dc!.text).toMatch(/^\*\*Opened BTC\/USDT\*\* \[nt-once\]/);
    // The signed webhook: verified by the sink, with the delivery id that lets a receiver drop a repeat.
    expect(wh!.verified).toBe(true);
    expect(wh!.headers["x-edgetrader-delivery"]).toBe(`${P}:ev:${seq}`);
    expect(wh!.body).toMatchObject({ id: `${P}:ev:${seq}`, portfolio: P, event: "position.opened", data: { symbol: "BTC/USDT" } });
    // Every try of the webhook was signed (the sink checks before it answers the armed fault).
    expect(all.filter((r) => r.channel === "webhook").map((r) => r.verified)).toEqual([true, true, true, true, true]);
    const st = await notifier(P).status();
    expect(st.recent.map((r) => [r.queue, r.status, r.attempts, r.limited])).toEqual(
      expect.arrayContaining([
        ["telegram:1001", "sent", 4, 1],
        ["discord", "sent", 4, 1],
        ["webhook", "sent", 4, 1],
      ]),
    );
  });

  it("a redelivered mail sends nothing twice (the same key posted again, and notify called again)", async () => {
    const P = "nt-redeliver";
    const seq = await stream(P).publish({ type: "position.closed", ts: T, data: closed("p-redeliver", 12.5) });
    await untilAccepted(P);
    // The StreamActor's mailbox posts the same key again: the mail is delivered a second time.
    const msg = { portfolio: P, envelope: { seq, ts: T, type: "position.closed", data: closed("p-redeliver", 12.5) } };
    await runInDurableObject(stream(P), async (instance) => {
      const inner = instance as unknown as { mailbox: { post: (...a: unknown[]) => void }; flush: () => Promise<void> };
      inner.mailbox.post(`notify:${seq}`, "NOTIFIER", `notifier:${P}`, "notify", msg, Date.now());
      await inner.flush();
      expect((instance as unknown as { mailbox: { pending: () => number } }).mailbox.pending()).toBe(0);
    });
    // And the notifier is asked directly, as a retried delivery would.
    expect(await notifier(P).notify(msg)).toEqual({ queued: 0 });
    await sleep(1_000);
    const all = await received(P);
    for (const ch of CHANNELS)
      expect(
        all.filter((r) => r.channel === ch).map((r) => r.status),
        ch,
      ).toEqual([ch === "discord" ? 204 : 200]);
  });

  it("evicting the notifier while a send is under way, then redelivering the mail, sends nothing twice", async () => {
    const P = "nt-evict";
    // Telegram holds its first answer (a 500: the receiver did not take it); the notifier is evicted meanwhile
    // (the eviction lets the send finish), then the same mail comes again (its acknowledgement may have been lost).
    await arm("telegram", P, [{ status: 500, delayMs: 1_000 }]);
    const seq = await stream(P).publish({ type: "risk.alert", ts: T, data: { tradingState: "HALTED", reason: "daily loss limit 5% reached" } });
    await waitFor(async () => (await received(P, "telegram")).some((r) => r.status === null), "telegram request in flight", 10_000, 50);
    await evictDurableObject(notifier(P));
    expect(await notifier(P).notify({ portfolio: P, envelope: { seq, ts: T, type: "risk.alert", data: { tradingState: "HALTED", reason: "daily loss limit 5% reached" } } })).toEqual({ queued: 0 });
    await untilAccepted(P, CHANNELS, 1, 25_000);
    await sleep(1_000);
    const all = await received(P);
    expect(all.filter((r) => r.channel === "telegram").map((r) => r.status)).toEqual([500, 200]);
    for (const ch of CHANNELS) expect(accepted(all.filter((r) => r.channel === ch)), ch).toHaveLength(1);
    expect(accepted(all.filter((r) => r.channel === "telegram"))[0]!.text).toBe(`Trading HALTED [${P}]\ndaily loss limit 5% reached\nEntries are refused until an operator resumes (/resume).`);
  });

  it("an event whose call to the stream fails goes there by mail, is numbered once and told once", async () => {
    const P = "nt-fallback";
    const data = opened("SOL/USDT");
    // Any actor's emit (the kernel's): here the notifier's own, with its STREAM binding failing for one call.
    const id = await runInDurableObject(notifier(P), async (instance) => {
      const a = instance as unknown as { env: Env; emit(p: string, type: string, data: unknown, ts: number): Promise<void>; sql: SqlStorage };
      const real = a.env;
      a.env = { ...real, STREAM: { getByName: () => ({ publish: async () => Promise.reject(new Error("stream unavailable")) }) } as unknown as Env["STREAM"] };
      try {
        await a.emit(P, "position.opened", data, T);
      } finally {
        a.env = real;
      }
      const rows = a.sql.exec<{ key: string; payload: string }>("SELECT key, payload FROM _mailbox WHERE key LIKE 'emit:%'").toArray();
      expect(rows).toHaveLength(1);
      return (JSON.parse(rows[0]!.payload) as { id: string }).id;
    });
    expect(id).toBe(`notifier:${P}:e1`);
    await untilAccepted(P);
    // The same event published again (the failed call had reached the stream after all): the same number, nothing new.
    const seq = await stream(P).publish({ type: "position.opened", ts: T, data, id });
    expect(await stream(P).publish({ type: "position.opened", ts: T, data, id })).toBe(seq);
    await sleep(1_000);
    for (const ch of CHANNELS) expect(accepted(await received(P, ch)), ch).toHaveLength(1);
  });

  it("a 4xx other than 429 is final at once: dead-lettered, and the other channels are told", async () => {
    const P = "nt-refused";
    await arm("discord", P, [{ status: 400 }]);
    await stream(P).publish({ type: "risk.alert", ts: T, data: { kind: "kill", by: "api", reason: "test kill", flatten: false, positions: [] } });
    // telegram and the webhook get the kill and then the failure report; discord only its one refused try.
    await untilAccepted(P, ["telegram", "webhook"], 2);
    await sleep(1_000);
    const all = await received(P);
    expect(all.filter((r) => r.channel === "discord").map((r) => r.status)).toEqual([400]);
    const tg = accepted(all.filter((r) => r.channel === "telegram")).map((r) => r.text!.split("\n")[0]);
    expect(tg).toEqual([`Kill switch engaged [${P}]`, `A notification could not be delivered [${P}]`]);
    const report = accepted(all.filter((r) => r.channel === "webhook"))[1]!;
    expect(report.body).toMatchObject({ event: "delivery.failed", data: { source: "NotifierActor", reason: "dead_letter", detail: { kind: "notification", target: "discord", method: "kill" } } });
    const status = await notifier(P).kernelStatus();
    expect(status.deadLetters).toBe(1);
    expect(status.recentDeadLetters[0]).toMatchObject({ kind: "notification", target: "discord", method: "kill", attempts: 1, error: "discord: HTTP 400 armed fault" });
  });

  it("the budget alert goes out once per UTC day, whatever repeats it", async () => {
    const P = "nt-budget";
    const alert = { source: "llm", kind: "budget_spent", reason: "daily LLM budget spent: 5.0000 of 5 USD" };
    await stream(P).publish({ type: "risk.alert", ts: T, data: alert });
    await stream(P).publish({ type: "risk.alert", ts: T + 60_000, data: alert });
    await untilAccepted(P);
    await sleep(1_000);
    for (const ch of CHANNELS) expect((await received(P, ch)).length, ch).toBe(1);
  });

  it("the daily summary tells the day's equity, P&L and trades, once", async () => {
    const P = "nt-summary";
    await env.ACCOUNT.getByName(`account:${P}`).init({ portfolio: P, venue: "binance", restUrl: "http://127.0.0.1:9", symbols: ["BTC/USDT"], initialCash: 10_000 });
    await stream(P).publish({ type: "position.closed", ts: T, data: closed("p-sum-1", 40) });
    await stream(P).publish({ type: "position.closed", ts: T + 1, data: closed("p-sum-2", -15) });
    await untilAccepted(P, CHANNELS, 2);
    // The summary's timer, due now (it is set for the next 00:00 UTC), run twice: one summary.
    const due = await runInDurableObject(notifier(P), (instance) => {
      const timers = timersOf(instance);
      expect(timers.get("summary")).not.toBeNull();
      const at = Date.now();
      timers.schedule("summary", at);
      return at;
    });
    await runDurableObjectAlarm(notifier(P));
    const day = new Date(due - 1).toISOString().slice(0, 10);
    await waitFor(async () => (await received(`Daily summary ${day} [${P}]`, "telegram")).length === 1, "summary on telegram");
    const text = (await received(`Daily summary ${day} [${P}]`, "telegram"))[0]!.text!;
    expect(text.split("\n")).toEqual([
      `Daily summary ${day} [${P}]`,
      "Equity 10,000.00 (day +0.00, +0.00%)",
      "Cash 10,000.00, 0 open positions, state ACTIVE",
      "Trades closed: 2 (1 won, 1 lost), P&L +25.00",
      "  BTC/USDT +40.00 (+1.33%) review",
      "  BTC/USDT −15.00 (−0.50%) review",
    ]);
    // The timer moved to the next day; running the same day's summary again adds nothing.
    await runInDurableObject(notifier(P), (instance) => {
      const timers = timersOf(instance);
      expect(timers.get("summary")!.dueAt).toBeGreaterThan(due);
      timers.schedule("summary", due);
    });
    await runDurableObjectAlarm(notifier(P));
    await untilAccepted(`Daily summary ${day}`, ["webhook", "discord"]);
    await sleep(800);
    for (const ch of CHANNELS) expect((await received(`Daily summary ${day}`, ch)).filter((r) => JSON.stringify(r.body).includes(P)).length, ch).toBe(1);
  });
});
