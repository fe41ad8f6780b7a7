import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advance, createSession, migrateD1, simState, startTicker, waitFor } from "./support";

describe("history outbox", () => {
  it("a D1 failure delays history and loses nothing", async () => {
    await migrateD1();
    const s = await createSession({ start: "2026-03-29T03:00:00Z", symbols: ["SOLUSDT"] });
    const account = env.ACCOUNT.getByName("account:main");
    await account.init({ portfolio: "main", venue: "binance", restUrl: s.restBase, symbols: ["SOL/USDT"], initialCash: 5_000 });
    await startTicker(s, "SOL/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const { positionId } = await account.requestEntry({ decisionId: "main-d1", at: s.now, symbol: "SOL/USDT", positionPct: 0.3, agent: "test", reason: "d1 test" });
    const pos = env.POSITION.getByName(`position:main:${positionId}`);
    await waitFor(async () => (await pos.status())?.status === "pending_entry", "entry submitted");
    await advance(s, 1);
    await waitFor(async () => (await pos.status())?.status === "open", "entry filled");
    await waitFor(async () => (await account.summary()).positions[0]?.status === "open", "account booked the entry");

    await env.DB.prepare("DROP TABLE trades").run();
    expect(await account.requestExit({ decisionId: "main-d2", at: s.now, symbol: "SOL/USDT", reason: "exit while D1 is broken" })).toMatchObject({ accepted: true });
    await waitFor(async () => (await pos.status())?.status === "exiting", "exit submitted");
    await advance(s, 1);
    const closed = await waitFor(async () => {
      const p = await pos.status();
      return p?.status === "closed" ? p : null;
    }, "closed");
    const pending = await waitFor(
      async () => {
        const n = await runInDurableObject(pos, (instance) => (instance as unknown as { outbox: { pending(): number } }).outbox.pending());
        return n > 0 ? n : null;
      },
      "rows held in the outbox",
      5_000,
    );
    expect(pending).toBeGreaterThan(0);

    // D1 comes back: the held rows arrive, in full.
    // The table as every migration built it (0001 created it, later ones added columns).
    for (const q of env.TEST_MIGRATIONS.flatMap((m) => m.queries).filter((q) => /\btrades\b/.test(q))) await env.DB.prepare(q).run();
    const row = await waitFor(async () => env.DB.prepare("SELECT * FROM trades WHERE id = ?").bind(positionId).first<any>(), "trade row after recovery", 30_000);
    expect(row.pnl).toBeCloseTo(closed.pnl!, 9);
    expect(row.exit_reason).toBe("exit while D1 is broken");
    const orders = await env.DB.prepare("SELECT id, status FROM orders WHERE position_id = ? ORDER BY id").bind(positionId).all();
    expect(orders.results).toEqual([
      { id: `${positionId}-e`, status: "filled" },
      { id: `${positionId}-x`, status: "filled" },
    ]);
    await waitFor(async () => (await runInDurableObject(pos, (i) => (i as unknown as { outbox: { pending(): number } }).outbox.pending())) === 0, "outbox drained");
  }, 60_000);

  it("finds the next due row of the outbox and the mailbox by index, not by scanning the rows held", async () => {
    const actor = env.ACCOUNT.getByName("account:index-check");
    const plans = await runInDurableObject(actor, (_instance, state) =>
      ["SELECT MAX(next_at) AS n FROM _outbox", "SELECT MIN(next_at) AS n FROM _outbox", "SELECT MIN(next_at) AS n FROM _mailbox"].map((q) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`)
          .toArray()
          .map((r) => r.detail)
          .join("; "),
      ),
    );
    expect(plans[0]).toMatch(/USING COVERING INDEX _outbox_next_at/);
    expect(plans[1]).toMatch(/USING COVERING INDEX _outbox_next_at/);
    expect(plans[2]).toMatch(/USING COVERING INDEX _mailbox_next_at/);
  });
});
