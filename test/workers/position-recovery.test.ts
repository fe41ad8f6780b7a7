import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PositionActor } from "../../src/actors/position-actor";
import { advance, createSession, migrateD1, simState, startTicker, untilMinute, waitFor } from "./support";

const MIN = 60_000;
const account = (portfolio = "main") => env.ACCOUNT.getByName(`account:${portfolio}`);
const position = (id: string, portfolio = "main") => env.POSITION.getByName(`position:${portfolio}:${id}`);

async function d1Orders(positionId: string) {
  return (await env.DB.prepare("SELECT id, status, purpose FROM orders WHERE position_id = ? ORDER BY id").bind(positionId).all()).results;
}

describe("PositionActor restart and idempotency", () => {
  it("an evicted position restores mid-life, loses nothing and sends no duplicate order", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 27, 9);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    await account().init({ portfolio: "main", venue: "binance", restUrl: s.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
    await startTicker(s, "BTC/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");

    const entry = await account().requestEntry({ decisionId: "main-d7", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "evict test" });
    expect(entry).toMatchObject({ accepted: true, positionId: "main-d7-BTC" });
    expect(await account().requestEntry({ decisionId: "main-d7", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "again" })).toEqual(entry);
    const pos = position("main-d7-BTC");
    const pending = await waitFor(async () => pos.status(), "position created");
    expect(pending.status).toBe("pending_entry");
    expect(pending.orders).toHaveLength(1);
    expect(pending.orders[0]).toMatchObject({ clientOrderId: "main-d7-BTC-e", status: "submitted", createdAt: start });
    expect(pending.createdAt).toBe(start);

    // Evicted between submission and fill: the next price fills the one order it wrote.
    await evictDurableObject(pos);
    await advance(s, 1);
    const open = await waitFor(async () => {
      const p = await pos.status();
      return p?.status === "open" ? p : null;
    }, "entry filled after restart");
    expect(open.orders).toHaveLength(1);
    expect(open.qty).toBeCloseTo(3000 / open.entryPrice, 9);

    // A redelivered open (the account's mailbox may send it twice) changes nothing.
    const again = await pos.open({
      id: "main-d7-BTC",
      portfolio: "main",
      venue: "binance",
      restUrl: s.restBase,
      symbol: "BTC/USDT",
      decisionId: "main-d7",
      agent: "test",
      reason: "dup",
      notional: 3000,
      at: start,
    });
    expect(again).toEqual(await pos.status());

    // Evicted while open: state and the ticker's subscription survive.
    await evictDurableObject(pos);
    await advance(s, 3);
    await untilMinute("BTC/USDT", start + 3 * MIN);
    const restored = await pos.status();
    expect(restored!.qty).toBe(open.qty);
    expect(restored!.entryPrice).toBe(open.entryPrice);
    expect(restored!.lastPriceAt).toBeGreaterThan(open.lastPriceAt!);

    // Exit by decision, evicted before its fill.
    const exit = await account().requestExit({ decisionId: "main-d8", at: start, symbol: "BTC/USDT", reason: "sell signal" });
    expect(exit.accepted).toBe(true);
    const exiting = await waitFor(async () => {
      const p = await pos.status();
      return p?.status === "exiting" ? p : null;
    }, "exit submitted");
    expect(exiting.orders.map((o) => o.clientOrderId)).toEqual(["main-d7-BTC-e", "main-d7-BTC-x"]);
    await evictDurableObject(pos);
    await advance(s, 1);
    const closed = await waitFor(async () => {
      const p = await pos.status();
      return p?.status === "closed" ? p : null;
    }, "closed");
    expect(closed.orders).toHaveLength(2);

    // Exactly once downstream: the account, the learner and D1.
    await waitFor(async () => (await account().summary()).closedCount === 1, "account booked the close");
    const summary = await account().summary();
    expect(summary.positions).toHaveLength(0);
    expect(summary.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    await waitFor(async () => (await env.LEARNER.getByName("learner:main").status()).trades === 1, "learner recorded");
    // History is eventually consistent (the outbox drains in batches): wait for the filled exit row.
    await waitFor(async () => (await d1Orders("main-d7-BTC")).filter((o) => o.status === "filled").length === 2, "filled orders in D1");
    expect(await d1Orders("main-d7-BTC")).toEqual([
      { id: "main-d7-BTC-e", status: "filled", purpose: "entry" },
      { id: "main-d7-BTC-x", status: "filled", purpose: "exit" },
    ]);
    const trades = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT * FROM trades WHERE id = ?").bind("main-d7-BTC").all()).results;
      return r.length ? r : null;
    }, "trade row");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ exit_kind: "decision", exit_reason: "sell signal" });
  }, 60_000);

  it("a safety alarm run twice leaves identical state", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 28, 15);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    await advance(s, 2);
    await account("alarm").init({ portfolio: "alarm", venue: "binance", restUrl: s.restBase, symbols: ["ETH/USDT"], initialCash: 10_000 });
    const r = await account("alarm").requestEntry({ decisionId: "alarm-d3", at: start, symbol: "ETH/USDT", positionPct: 0.2, agent: "test", reason: "alarm test" });
    const pos = position(r.positionId!, "alarm");
    await waitFor(async () => pos.status(), "position created");
    // No ticker runs here: the safety alarm fills the waiting order at the exchange's REST price.
    const [first, second] = await runInDurableObject(pos, async (object) => {
      const instance = object as unknown as PositionActor;
      const timers = (instance as unknown as { timers: { schedule(n: string, at: number): void } }).timers;
      timers.schedule("safety", 0);
      await instance.alarm();
      const a = structuredClone(instance.status());
      timers.schedule("safety", 0);
      await instance.alarm();
      return [a, structuredClone(instance.status())];
    });
    expect(first!.status).toBe("open");
    const price = Number(((await (await fetch(`${s.restBase}/api/v3/ticker/price?symbol=ETHUSDT`)).json()) as { price: string }).price);
    expect(first!.entryPrice).toBeCloseTo(price * 1.0005, 9);
    expect(second).toEqual(first);
    await waitFor(async () => (await account("alarm").summary()).positions[0]?.status === "open", "account saw the fill once");
    const book = await account("alarm").summary();
    expect(book.cash).toBeCloseTo(10_000 - first!.qty * first!.entryPrice - first!.entryFee, 6);
  });
});
