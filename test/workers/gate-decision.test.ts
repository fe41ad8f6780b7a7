import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GateActor } from "../../src/actors/gate-actor";
import { createSession, migrateD1, startTicker, waitFor } from "./support";

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];

describe("GateActor decisions", () => {
  it("a decision job that runs twice places its orders once", async () => {
    await migrateD1();
    const s = await createSession({ start: "2026-03-26T12:00:00Z" });
    await env.ACCOUNT.getByName("account:main").init({ portfolio: "main", venue: "binance", restUrl: s.restBase, symbols: SYMBOLS, initialCash: 10_000 });
    const gate = env.GATE.getByName("gate:main");
    await gate.configure({ portfolio: "main", venue: "binance", symbols: SYMBOLS });
    for (const sym of SYMBOLS) await startTicker(s, sym);

    const verdict = await gate.wake("test: decide now");
    expect(verdict).toMatchObject({ open: true, layer: "manual", reason: "manual wake: test: decide now" });
    expect(await gate.wake("second")).toMatchObject({ open: false, suppressed: true });

    const row = await waitFor(async () => {
      const r = await env.DB.prepare("SELECT * FROM decisions WHERE id = 'main-d1' AND status = 'executed'").first<any>();
      return r;
    }, "decision main-d1 executed");
    const outcomes = JSON.parse(row.outcome_json) as { ticker: string; action: string; accepted: boolean; positionId?: string }[];
    const buys = outcomes.filter((o) => o.action === "BUY" && o.accepted);
    expect(buys.length).toBeGreaterThan(0);
    const before = await env.ACCOUNT.getByName("account:main").summary();
    expect(before.positions.map((p) => p.id).sort()).toEqual(buys.map((b) => b.positionId).sort());

    // Redeliver the same job, as an alarm retried after a crash would.
    await runInDurableObject(gate, async (instance) => {
      const actor = instance as unknown as GateActor;
      const timers = (actor as unknown as { timers: { schedule(n: string, at: number, p: unknown): void } }).timers;
      timers.schedule("decide", 0, { decisionId: "main-d1", layer: "manual", reason: "replayed", at: row.at });
      await actor.alarm();
    });
    // And replay the account call itself.
    for (const b of buys) {
      const again = await env.ACCOUNT.getByName("account:main").requestEntry({ decisionId: "main-d1", at: row.at, symbol: b.ticker, positionPct: 0.3, agent: "x", reason: "again" });
      expect(again.positionId).toBe(b.positionId);
    }
    const after = await env.ACCOUNT.getByName("account:main").summary();
    expect(after.positions).toEqual(before.positions);
    expect(after.cash).toBe(before.cash);
    const decisions = await env.DB.prepare("SELECT COUNT(*) AS n FROM decisions").first<{ n: number }>();
    expect(decisions!.n).toBe(1);
    const status = await gate.status();
    expect(status.decisions).toBe(1);
    expect(status.state.inFlight).toBeNull();
    // The rule decider looks again after one decision-timeframe candle (4h by default).
    expect(status.state.nextCheckAt).toBe(row.at + 4 * 3_600_000);
  }, 60_000);
});
