import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PositionActor, PositionOpenMessage } from "../../src/actors/position-actor";
import type { PositionState } from "../../src/lib/execution/position";
import { createSession, migrateD1, type SimSession } from "./support";

/**
 * The actor rule in the PositionActor: a state change and its durable effects are written in one
 * synchronous step, before any await; after an await the state is read again. Each test drives the
 * real actor in workerd and looks at its storage at the exact moment of the first await, or lets a
 * second message land while the first one awaits.
 */
const START = Date.UTC(2026, 2, 26, 9);

type Internals = Pick<PositionActor, "open" | "onPrice" | "requestExit" | "status"> & {
  sql: SqlStorage;
  env: Record<string, unknown>;
  timerHandlers: { safety(): Promise<void> };
  review(): Promise<void>;
  lastPriceWall: number | null;
};

function openMsg(portfolio: string, id: string, s: SimSession): PositionOpenMessage {
  return { id, portfolio, venue: "binance", restUrl: s.restBase, symbol: "BTC/USDT", decisionId: `${portfolio}-d1`, agent: "test", reason: "actor rule", notional: 1_000, at: START };
}

function mail(sql: SqlStorage): string[] {
  return sql
    .exec<{ key: string }>("SELECT key FROM _mailbox ORDER BY rowid")
    .toArray()
    .map((r) => r.key);
}

function rows(sql: SqlStorage, table: string): string[] {
  return sql
    .exec<{ tbl: string }>("SELECT tbl FROM _outbox")
    .toArray()
    .map((r) => r.tbl)
    .filter((t) => t === table);
}

async function session(): Promise<SimSession> {
  await migrateD1();
  return createSession({ start: new Date(START).toISOString(), symbols: ["BTCUSDT"] });
}

describe("PositionActor keeps the actor rule", () => {
  it("writes the position, its order, the ticker subscription and the safety timer before its first await", async () => {
    const s = await session();
    const stub = env.POSITION.getByName("position:rule1:rule1-d1-BTC");
    const atFirstAwait = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Internals;
      const running = a.open(openMsg("rule1", "rule1-d1-BTC", s));
      // Nothing has awaited yet: what is in storage now is what a crash at the first await would keep.
      const seen = { mail: mail(a.sql), safety: a.sql.exec("SELECT name FROM _timers WHERE name = 'safety'").toArray().length, orders: rows(a.sql, "orders").length };
      await running;
      return seen;
    });
    expect(atFirstAwait.mail).toContain("watch:rule1-d1-BTC");
    expect(atFirstAwait.safety).toBe(1);
    expect(atFirstAwait.orders).toBeGreaterThanOrEqual(1);
  });

  it("posts the close to the account and the learner, and its trade row, before its first await", async () => {
    const s = await session();
    const stub = env.POSITION.getByName("position:rule2:rule2-d1-BTC");
    const seen = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Internals;
      await a.open(openMsg("rule2", "rule2-d1-BTC", s));
      await a.onPrice({ price: 80_000, at: START + 1_000 });
      await a.requestExit({ kind: "decision", reason: "sell", at: START + 2_000 });
      const running = a.onPrice({ price: 81_000, at: START + 3_000 });
      const atFirstAwait = { status: a.status()!.status, mail: mail(a.sql), trades: rows(a.sql, "trades").length };
      await running;
      return atFirstAwait;
    });
    expect(seen.status).toBe("closed");
    expect(seen.mail).toEqual(expect.arrayContaining(["closed:rule2-d1-BTC:account", "closed:rule2-d1-BTC:learner"]));
    expect(seen.trades).toBe(1);
  });

  it("a review that fails keeps an exit that landed while the gate was asked", async () => {
    const s = await session();
    const stub = env.POSITION.getByName("position:rule3:rule3-d1-BTC");
    const after = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Internals;
      await a.open(openMsg("rule3", "rule3-d1-BTC", s));
      await a.onPrice({ price: 80_000, at: START + 1_000 });
      // The gate cannot answer; while its call is on the way a decision's SELL reaches the position.
      a.env = {
        ...a.env,
        GATE: {
          getByName: () => ({
            reviewPosition: async () => {
              await a.requestExit({ kind: "decision", reason: "sell signal", at: START + 2_000 });
              throw new Error("gate unreachable");
            },
          }),
        },
      };
      await a.review();
      return a.status()!;
    });
    expect(after.status).toBe("exiting");
    expect(after.exitReason).toBe("sell signal");
    expect(after.orders.map((o) => o.purpose)).toEqual(["entry", "exit"]);
    expect(after.reviews).toBe(1);
  });

  it("the safety alarm does not fill again an entry that a price filled while it fetched the REST price", async () => {
    const s = await session();
    const stub = env.POSITION.getByName("position:rule4:rule4-d1-BTC");
    const after = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Internals;
      await a.open(openMsg("rule4", "rule4-d1-BTC", s));
      a.lastPriceWall = null; // silent feed: the safety alarm asks the exchange for the price
      const safety = a.timerHandlers.safety();
      await a.onPrice({ price: 123_456, at: START + 1_000 }); // lands while the fetch is on its way
      await safety;
      return { pos: a.status()!, mail: mail(a.sql) };
    });
    const pos: PositionState = after.pos;
    expect(pos.status).toBe("open");
    expect(pos.entryPrice).toBeCloseTo(123_456 * 1.0005, 6);
    expect(pos.orders).toHaveLength(1);
    expect(pos.orders[0]!.fillPrice).toBeCloseTo(123_456 * 1.0005, 6);
  });

  it("ignores a price stamped in the future instead of running its time stop", async () => {
    const s = await session();
    const stub = env.POSITION.getByName("position:rule5:rule5-d1-BTC");
    const pos = await runInDurableObject(stub, async (instance) => {
      const a = instance as unknown as Internals;
      await a.open(openMsg("rule5", "rule5-d1-BTC", s));
      await a.onPrice({ price: 80_000, at: START + 1_000 });
      await a.onPrice({ price: 80_100, at: Date.now() + 30 * 86_400_000 });
      return a.status()!;
    });
    expect(pos.status).toBe("open");
    expect(pos.lastPrice).toBe(80_000);
  });
});
