import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { advance, createSession, migrateD1, simState, startTicker, streamEvents, waitFor } from "../workers/support";

beforeAll(async () => {
  await migrateD1();
});

describe("the funding carry through the actors", () => {
  it("opens both legs, and when one leg's order fails, closes the other and alerts: the book ends flat", async () => {
    const start = Date.UTC(2026, 2, 27, 7, 55);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"], partials: 2 });
    const account = env.ACCOUNT.getByName("account:fcar");
    await account.init({ portfolio: "fcar", venue: "fcarv", restUrl: s.restBase, symbols: ["BTC/USDT"], initialCash: 10_000 });
    await startTicker(s, "BTC/USDT", "fcar", "fcarv");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const r = await account.requestEntry({ decisionId: "fcar-d1", at: start, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "carry test", group: "carry" });
    expect(r).toMatchObject({ accepted: true, detail: expect.stringMatching(/^carry fcar-d1-BTC-carry: /) });
    const spot = env.POSITION.getByName("position:fcar:fcar-d1-BTC-spot");
    const perp = env.POSITION.getByName("position:fcar:fcar-d1-BTC-perp");
    await waitFor(async () => (await spot.status())?.status === "pending_entry" && (await perp.status())?.status === "pending_entry", "both legs written");
    expect((await perp.status())!).toMatchObject({ side: "short", venue: "futures", group: "fcar-d1-BTC-carry", requestedNotional: 3_000 });
    expect((await spot.status())!).toMatchObject({ group: "fcar-d1-BTC-carry", requestedNotional: 3_000 });
    expect((await spot.status())!.venue).toBeUndefined();

    // The injected failure: the perpetual leg's order is cancelled before it can fill (as a venue's rejection would).
    await perp.operatorCommand({ kind: "cancel_orders", reason: "injected order failure", by: "test" });
    expect((await perp.status())!.status).toBe("failed");
    await advance(s, 1);
    // The spot leg filled, found its partner gone, and was asked to exit: it closes at the next price, as an orphan.
    await waitFor(async () => ["exiting", "closed"].includes((await spot.status())?.status ?? ""), "the orphan asked to exit");
    await advance(s, 1);
    const closed = await waitFor(async () => {
      const p = await spot.status();
      return p?.status === "closed" ? p : null;
    }, "the orphan closed");
    expect(closed).toMatchObject({ exitKind: "orphan", exitReason: expect.stringMatching(/^orphan leg: /) });
    const book = await waitFor(async () => {
      const b = await account.summary();
      return b.positions.length === 0 && b.closedCount === 1 ? b : null;
    }, "the book flat");
    expect(book.cash).toBeCloseTo(10_000 + closed.pnl!, 6);
    // The once-only orphan flag left with the closed leg (no key per orphan kept for ever).
    expect(await runInDurableObject(account, (_i, state) => [...state.storage.kv.list({ prefix: "orphaned:" })])).toEqual([]);
    const alerts = await waitFor(async () => {
      const events = (await streamEvents("fcar")).filter((e) => e.type === "risk.alert" && e.data.reason === "orphan_leg");
      return events.length > 0 ? events : null;
    }, "the orphan alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data.detail).toMatchObject({ position: "fcar-d1-BTC-spot" });
  });
});
