import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PositionActor, PositionOpenMessage } from "../../src/actors/position-actor";
import { advance, api, createSession, migrateD1, simPost, simState, startTicker, tickerStub, untilMinute, waitFor } from "./support";

/**
 * Mail, history and timers under failure: in order per receiver, bounded retries with dead letters,
 * and actors that keep answering whatever their stored state holds.
 */
const MIN = 60_000;

type Kernel = {
  sql: SqlStorage;
  kv: SyncKvStorage;
  mailbox: { post(key: string, binding: string, target: string, method: string, payload: unknown, now: number): void; deliver(now: number): Promise<unknown>; pending(): number };
  outbox: { drain(now: number): Promise<{ written: number; error: string | null }>; pending(): number };
  timers: { schedule(name: string, at: number): void };
  record(table: string, row: Record<string, unknown>): void;
  kernelStatus(): { deadLetters: number; quarantined: number; mailbox: { pending: number }; history: { pending: number }; recentDeadLetters: { kind: string; key: string }[] };
  alarm(): Promise<void>;
};

describe("mail between actors", () => {
  it("a close never overtakes its fill: the account books both when the fill's first delivery failed", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 26, 10);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    const id = "order1-d1-BTC";
    const position = env.POSITION.getByName(`position:order1:${id}`);
    const account = env.ACCOUNT.getByName("account:order1");
    const msg: PositionOpenMessage = {
      id,
      portfolio: "order1",
      venue: "binance",
      restUrl: s.restBase,
      symbol: "BTC/USDT",
      decisionId: "order1-d1",
      agent: "test",
      reason: "order test",
      notional: 1_000,
      at: start,
    };
    // The entry fills while the account cannot take the report yet: its delivery fails and waits for a retry.
    await runInDurableObject(position, async (instance) => {
      const p = instance as unknown as PositionActor;
      await p.open(msg);
      await p.onPrice({ price: 80_000, at: start + 1_000 });
    });
    const failed = await runInDurableObject(position, (instance) =>
      (instance as unknown as Kernel).sql.exec<{ key: string; attempts: number }>("SELECT key, attempts FROM _mailbox WHERE key LIKE 'filled:%'").toArray(),
    );
    expect(failed).toEqual([{ key: `filled:${id}`, attempts: 1 }]);

    // The account comes up and reserves the position; then the position closes before the fill's retry.
    await account.init({ portfolio: "order1", venue: "binance", restUrl: s.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
    expect(await account.requestEntry({ decisionId: "order1-d1", at: start, symbol: "BTC/USDT", positionPct: 0.1, agent: "test", reason: "order test" })).toMatchObject({
      accepted: true,
      positionId: id,
    });
    const closed = await runInDurableObject(position, async (instance) => {
      const p = instance as unknown as PositionActor;
      await p.requestExit({ kind: "decision", reason: "sell", at: start + 2_000 });
      await p.onPrice({ price: 81_000, at: start + 3_000 });
      return p.status()!;
    });
    expect(closed.status).toBe("closed");

    const summary = await waitFor(
      async () => {
        const sm = await account.summary();
        return sm.closedCount === 1 ? sm : null;
      },
      "the account booked the close",
      15_000,
    );
    expect(summary.positions).toEqual([]);
    expect(summary.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
  });

  it("mail that keeps failing is dead-lettered after its retries, counted and alerted, and the mail behind it goes on", async () => {
    await migrateD1();
    const stub = env.POSITION.getByName("position:dl1:dl1-d1-BTC");
    const status = await runInDurableObject(stub, async (instance) => {
      const k = instance as unknown as Kernel;
      const now = Date.now();
      // An account that was never initialised refuses every report.
      k.mailbox.post("never-1", "ACCOUNT", "account:dl1-missing", "onEntryFilled", { positionId: "x", symbol: "BTC/USDT", qty: 1, price: 1, fee: 0, at: 1 }, now);
      k.mailbox.post("never-2", "ACCOUNT", "account:dl1-missing", "onEntryFailed", { positionId: "x", reason: "test" }, now);
      for (let i = 0; i < 60 && k.mailbox.pending() > 0; i++) await k.mailbox.deliver(now + i * 3_600_000);
      return k.kernelStatus();
    });
    expect(status.mailbox.pending).toBe(0);
    expect(status.deadLetters).toBe(2);
    expect(status.recentDeadLetters.map((d) => `${d.kind}:${d.key}`).sort()).toEqual(["mail:never-1", "mail:never-2"]);
  });

  it("a history row D1 refuses is dead-lettered and stops blocking the rows behind it", async () => {
    await migrateD1();
    const stub = env.ACCOUNT.getByName("account:poison1");
    const after = await runInDurableObject(stub, async (instance) => {
      const k = instance as unknown as Kernel;
      const good = { id: "poison1:2", portfolio: "poison1", at: 2, cash: 1, equity: 1, exposure: 0, realized_pnl: 0, fees_paid: 0, open_positions: 0, trading_state: "ACTIVE" };
      k.record("equity_snapshots", { ...good, id: "poison1:1", at: 1, cash: null });
      k.record("equity_snapshots", good);
      const drains = [];
      for (let i = 1; i <= 5 && k.outbox.pending() > 0; i++) drains.push(await k.outbox.drain(Date.now() + i * 3_600_000));
      return { status: k.kernelStatus(), drains };
    });
    expect(after.status.history.pending).toBe(0);
    expect(after.status.deadLetters).toBe(1);
    expect(after.status.recentDeadLetters[0]).toMatchObject({ kind: "history" });
    const rows = (await env.DB.prepare("SELECT id FROM equity_snapshots WHERE portfolio = 'poison1'").all()).results;
    expect(rows).toEqual([{ id: "poison1:2" }]);
  });

  it("GET /api/status shows the backlog: dead letters by actor, with totals", async () => {
    await migrateD1();
    await runInDurableObject(env.ACCOUNT.getByName("account:main"), async (instance) => {
      const k = instance as unknown as Kernel;
      k.record("equity_snapshots", { id: "main:1", portfolio: "main", at: 1, cash: null, equity: 1, exposure: 0, realized_pnl: 0, fees_paid: 0, open_positions: 0, trading_state: "ACTIVE" });
      for (let i = 1; i <= 5 && k.outbox.pending() > 0; i++) await k.outbox.drain(Date.now() + i * 3_600_000);
    });
    const res = await api("/api/status");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { backlog: { deadLetters: number; actors: { name: string; deadLetters: number; recentDeadLetters: { kind: string }[] }[] } };
    expect(body.backlog.deadLetters).toBe(1);
    expect(body.backlog.actors).toEqual([expect.objectContaining({ name: "account:main", deadLetters: 1, recentDeadLetters: [expect.objectContaining({ kind: "history" })] })]);
  });

  it("a timer that keeps failing is dead-lettered after its retries instead of retrying forever", async () => {
    await migrateD1();
    const stub = env.ACCOUNT.getByName("account:timer1");
    const status = await runInDurableObject(stub, async (instance) => {
      const k = instance as unknown as Kernel;
      // Set up, but its book is gone: every mark-to-market throws.
      k.kv.put("setup", { portfolio: "timer1", venue: "binance", restUrl: "http://127.0.0.1:1", symbols: ["BTC/USDT"], initialCash: 1 });
      (instance as unknown as { setup: unknown }).setup = k.kv.get("setup");
      for (let i = 0; i < 30; i++) {
        const row = k.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _timers WHERE name = 'snapshot'").one();
        if (i > 0 && row.n === 0) break;
        k.sql.exec("UPDATE _timers SET due_at = 0 WHERE name = 'snapshot'");
        if (i === 0) k.timers.schedule("snapshot", 0);
        await k.alarm();
      }
      return k.kernelStatus();
    });
    expect(status.deadLetters).toBe(1);
    expect(status.recentDeadLetters[0]).toMatchObject({ kind: "timer", key: "snapshot" });
  });
});

describe("exchange input and stored state", () => {
  it("a ticker whose stored feature state is corrupt quarantines it and keeps answering", async () => {
    const stub = env.TICKER.getByName("ticker:binance:QUARUSDT");
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as Kernel).kv.put("features", { minCount: 20, lastMinute: 0, prevClose: 1, returns: { ring: { capacity: 60 } }, volumes: { ring: { capacity: 60 } } });
    });
    await evictDurableObject(stub);
    const st = await stub.status();
    expect(st.symbol).toBeNull();
    const k = await runInDurableObject(stub, (instance) => (instance as unknown as Kernel).kernelStatus());
    expect(k.quarantined).toBe(1);
  });

  it("a learner whose stored posteriors fail their schema quarantines them and keeps answering", async () => {
    const stub = env.LEARNER.getByName("learner:quar1");
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as Kernel).kv.put("posteriors", { nonsense: true });
    });
    await evictDurableObject(stub);
    const st = await stub.status();
    expect(st.trades).toBe(0);
  });

  it("drops a kline with an absurd volume (1e200): counted, and the ticker survives an eviction", async () => {
    const start = Date.UTC(2026, 2, 27, 3);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    await startTicker(s, "ETH/USDT", "input1");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const price = (await tickerStub("ETH/USDT").status()).last!.price.toFixed(2);
    const k = { t: start, T: start + MIN - 1, s: "ETHUSDT", i: "1m", o: price, c: price, h: price, l: price, v: "1e200", x: true };
    const frame = JSON.stringify({ stream: "ethusdt@kline_1m", data: { e: "kline", E: start + MIN, s: "ETHUSDT", k } });
    await waitFor(
      async () => {
        await simPost(s, "fault", { type: "malformed", frames: [frame] });
        return ((await tickerStub("ETH/USDT").status()).feed.dropped.out_of_bounds ?? 0) > 0;
      },
      "absurd volume dropped",
      10_000,
    );
    // Stopped (an outbound socket keeps the object alive), evicted, started again from storage.
    await tickerStub("ETH/USDT").stop();
    await evictDurableObject(tickerStub("ETH/USDT"));
    await startTicker(s, "ETH/USDT", "input1");
    await advance(s, 2);
    const st = await untilMinute("ETH/USDT", start + MIN);
    expect(st.lastMinute).toBe(start + MIN);
  });

  it("a closed candle stamped in the future is dropped and does not wedge the feed", async () => {
    const start = Date.UTC(2026, 2, 27, 5);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["SOLUSDT"] });
    await startTicker(s, "SOL/USDT", "input2");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const price = (await tickerStub("SOL/USDT").status()).last!.price.toFixed(2);
    const t = Math.floor((Date.now() + 86_400_000) / MIN) * MIN;
    const k = { t, T: t + MIN - 1, s: "SOLUSDT", i: "1m", o: price, c: price, h: price, l: price, v: "1", x: true };
    const frame = JSON.stringify({ stream: "solusdt@kline_1m", data: { e: "kline", E: t + MIN, s: "SOLUSDT", k } });
    await waitFor(
      async () => {
        await simPost(s, "fault", { type: "malformed", frames: [frame] });
        return ((await tickerStub("SOL/USDT").status()).feed.dropped.future_time ?? 0) > 0;
      },
      "future candle dropped",
      10_000,
    );
    await advance(s, 3);
    const st = await untilMinute("SOL/USDT", start + 2 * MIN);
    expect(st.lastMinute).toBe(start + 2 * MIN);
  });

  it("a backfill posts the candle closes it applies before its first await", async () => {
    const start = Date.UTC(2026, 2, 27, 9);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    const stub = tickerStub("BTC/USDT", "bf1");
    // No socket (nothing listens there): the minutes arrive by REST only.
    await stub.start({ portfolio: "bf1", venue: "bf1", symbol: "BTC/USDT", feedWsUrl: "ws://127.0.0.1:9", restUrl: s.restBase });
    await advance(s, 20);
    const atFirstAwait = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Kernel & { backfill(reason: string): Promise<void>; publishFeed(e: string): Promise<void> };
      let seen: string[] | null = null;
      a.publishFeed = async () => {
        seen ??= a.sql
          .exec<{ key: string }>("SELECT key FROM _mailbox")
          .toArray()
          .map((r) => r.key);
      };
      await a.backfill("reconnect");
      return seen as string[] | null;
    });
    // One mail per subscribing portfolio's gate, keyed by the close and the portfolio.
    expect(atFirstAwait).toContain(`close:BTC/USDT:15m:${start}:bf1`);
  });
});
