import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advance, createSession, migrateD1, startTicker, waitFor } from "./support";

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];

/** A snapshot is one moment: a ticker behind the others (under load, after a reconnect) holds the decision a while. */
describe("GateActor: a snapshot is one point in time", () => {
  it("a decision waits for a market behind the others, and past gate.snapshotWaitMs decides on what there is", async () => {
    await migrateD1();
    const s = await createSession({ start: "2026-03-26T12:00:00Z" });
    const T0 = Date.parse("2026-03-26T12:00:00Z");
    const MIN = 60_000;
    await env.ACCOUNT.getByName("account:main").init({ portfolio: "main", venue: "binance", restUrl: s.restBase, symbols: SYMBOLS, initialCash: 10_000 });
    const gate = env.GATE.getByName("gate:main");
    await gate.configure({ portfolio: "main", venue: "binance", symbols: SYMBOLS });
    for (const sym of SYMBOLS) await startTicker(s, sym);
    const snapshotOf = async (id: string) => {
      const row = await waitFor(() => env.DB.prepare("SELECT * FROM decisions WHERE id = ? AND status = 'executed'").bind(id).first<any>(), `decision ${id} executed`);
      return JSON.parse(row.snapshot_json) as { at: number; tickers: { symbol: string; price: { at: number } }[] };
    };

    // The gate has seen BTC at 12:05 while every ticker's candles end at 12:00: the decision waits for them.
    await gate.onTick({ symbol: "BTC/USDT", price: 87_000, at: T0 + 5 * MIN, zRet: 0, zVol: 0 });
    const woke = await gate.wake("test: decide at 12:05");
    expect(woke, JSON.stringify(await gate.status())).toMatchObject({ open: true });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM decisions WHERE id = 'main-d1'").first<{ n: number }>()).toEqual({ n: 0 });
    expect((await gate.status()).state.inFlight?.id).toBe("main-d1");
    await advance(s, 6);
    const first = await snapshotOf("main-d1");
    for (const sym of ["ETH/USDT", "SOL/USDT"]) expect(first.tickers.find((t) => t.symbol === sym)!.price.at, sym).toBeGreaterThanOrEqual(T0 + 5 * MIN);

    // A market that never catches up holds the decision no longer than gate.snapshotWaitMs (30 s): here its wait
    // began 31 s ago, so the next look (within 500 ms) decides on the candles there are.
    await gate.onTick({ symbol: "BTC/USDT", price: 87_100, at: T0 + 20 * MIN, zRet: 0, zVol: 0 });
    expect(await gate.wake("test: decide at 12:20")).toMatchObject({ open: true });
    // A look already under way when the wait is backdated writes its own wait back: backdate until it decides.
    await waitFor(
      async () => {
        await runInDurableObject(gate, async (instance) => {
          const timers = (instance as unknown as { timers: { get(n: string): { payload: any } | null; schedule(n: string, at: number, p: unknown): void } }).timers;
          const job = timers.get("decide")?.payload;
          if (job) timers.schedule("decide", Date.now(), { ...job, waitingSinceWall: Date.now() - 31_000 });
        });
        return env.DB.prepare("SELECT id FROM decisions WHERE id = 'main-d2' AND status = 'executed'").first();
      },
      "decision main-d2 executed past the wait",
      20_000,
      300,
    );
    const second = await snapshotOf("main-d2");
    expect(second.tickers.find((t) => t.symbol === "ETH/USDT")!.price.at).toBeLessThan(T0 + 20 * MIN);
  }, 60_000);
});
