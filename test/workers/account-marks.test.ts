import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountActor } from "../../src/actors/account-actor";
import type { PositionClosedMessage } from "../../src/actors/messages";
import { advance, createSession, migrateD1, simState, startTicker, waitFor } from "./support";

describe("AccountActor marks to market", () => {
  it("a close delivered while the marks wait for their quotes is kept, not overwritten by the marked book", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 27, 12);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    const account = env.ACCOUNT.getByName("account:marks");
    await account.init({ portfolio: "marks", venue: "binance", restUrl: s.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
    await startTicker(s, "BTC/USDT", "marks");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const { positionId } = await account.requestEntry({ decisionId: "marks-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "marks test" });
    await advance(s, 1);
    const open = await waitFor(async () => (await account.summary()).positions.find((p) => p.id === positionId && p.status === "open"), "account booked the entry");

    const proceeds = open.qty * open.entryPrice * 1.01;
    const close: PositionClosedMessage = {
      positionId: positionId!,
      symbol: "BTC/USDT",
      agent: "test",
      decisionId: "marks-d1",
      qty: open.qty,
      entryPrice: open.entryPrice,
      exitPrice: open.entryPrice * 1.01,
      proceeds,
      exitFee: proceeds * 0.001,
      fees: proceeds * 0.002,
      pnl: proceeds * 0.008,
      pnlPct: 0.008,
      openedAt: open.openedAt,
      closedAt: start + 120_000,
      exitKind: "decision",
      exitReason: "closed while marking",
      regimeKey: null,
      agentSignals: {},
    };
    const after = await runInDurableObject(account, async (instance) => {
      const a = instance as unknown as Pick<AccountActor, "onPositionClosed" | "summary"> & { markToMarket(): Promise<void> };
      const cashBefore = a.summary().cash;
      const marking = a.markToMarket(); // waits on the ticker's quote
      await a.onPositionClosed(close); // lands meanwhile
      await marking;
      return { cashBefore, summary: a.summary() };
    });
    expect(after.summary.closedCount).toBe(1);
    expect(after.summary.positions).toEqual([]);
    expect(after.summary.cash).toBeCloseTo(after.cashBefore + proceeds - close.exitFee, 6);
  });

  it("a flat book in feed-clock mode still follows market time: no equity row or portfolio update at 1970", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 27, 16);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    const account = env.ACCOUNT.getByName("account:flat");
    await account.init({ portfolio: "flat", venue: "flatv", restUrl: s.restBase, symbols: ["ETH/USDT"], initialCash: 10_000 });
    type Marks = { markToMarket(): Promise<void>; snapshotEquity(why: string): Promise<void> };
    // Before any market time has reached it, a snapshot writes nothing.
    await runInDurableObject(account, (instance) => (instance as unknown as Marks).snapshotEquity("periodic"));
    await startTicker(s, "ETH/USDT", "flat", "flatv");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await advance(s, 3);
    await waitFor(async () => ((await env.TICKER.getByName("ticker:flatv:ETHUSDT").quote()).at ?? 0) >= start + 2 * 60_000, "ticker quote");
    await runInDurableObject(account, async (instance) => {
      const a = instance as unknown as Marks;
      await a.markToMarket();
      await a.snapshotEquity("periodic");
    });
    const rows = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT at FROM equity_snapshots WHERE portfolio = 'flat' ORDER BY at").all<{ at: number }>()).results;
      return r.length > 0 ? r : null;
    }, "an equity row in D1");
    expect(rows.every((r) => r.at >= start)).toBe(true);
  });
});
