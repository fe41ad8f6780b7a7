import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ControlsView } from "../../src/actors/account-actor";
import { createBinanceClient } from "../../src/adapters/exchange/ccxt-binance";
import { waitFor } from "../workers/support";
import { exchangePortfolio, exchangeTruth } from "./support";

const T = Date.parse("2026-03-26T10:00:00Z");

/** The account's operator RPCs, typed here (their results carry `unknown` details, which RPC stub types turn into never). */
interface OperatorRpc {
  kill(r: { by: string; reason: string; flatten: boolean }): Promise<{ ok: boolean }>;
  resume(r: { by: string; reason: string }): Promise<{ ok: boolean }>;
  controls(): Promise<ControlsView | null>;
}
const operator = (stub: unknown) => stub as OperatorRpc;

async function openWithStop(portfolio: string) {
  const ctx = await exchangePortfolio(portfolio);
  const entry = await ctx.account.requestEntry({ decisionId: `${portfolio}-d1`, at: T, symbol: "BTC/USDT", positionPct: 0.3, agent: "test", reason: "kill test" });
  const id = entry.positionId!;
  await waitFor(async () => (await exchangeTruth(ctx.session)).orders.find((o) => o.clientOrderId === `${id}-s1` && o.status === "NEW"), "protective stop resting", 10_000);
  await waitFor(async () => (await ctx.account.summary()).positions.some((p) => p.id === id && p.status === "open"), "account booked the entry");
  return { ...ctx, id };
}

describe("operator controls on the exchange", () => {
  it("the kill switch cancels every open order on the exchange within 3 s and stays engaged across an eviction of every actor", async () => {
    const { session, account, position, id } = await openWithStop("kill1");
    const t0 = Date.now();
    const killed = await operator(account).kill({ by: "test", reason: "kill switch test", flatten: false });
    expect(killed.ok).toBe(true);
    await waitFor(async () => (await exchangeTruth(session)).orders.every((o) => o.status !== "NEW"), "no open order on the exchange", 3_000, 25);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(3_000);

    await evictDurableObject(account);
    await evictDurableObject(position(id));
    const again = env.ACCOUNT.getByName("account:kill1");
    expect((await operator(again).controls())!.kill).not.toBeNull();
    const refused = await again.requestEntry({ decisionId: "kill1-d2", at: T + 60_000, symbol: "BTC/USDT", positionPct: 0.1, agent: "test", reason: "after kill" });
    expect(refused.accepted).toBe(false);
    expect(refused.detail).toMatch(/kill/i);
    // Held: the position places no new stop while the kill switch holds.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await exchangeTruth(session)).orders.filter((o) => o.status === "NEW")).toEqual([]);
    expect((await position(id).status())!.status).toBe("open");

    // Only an explicit resume clears it; the position gets its stop back.
    await operator(again).resume({ by: "test", reason: "all clear" });
    expect((await operator(again).controls())!.kill).toBeNull();
    await waitFor(async () => (await exchangeTruth(session)).orders.find((o) => o.clientOrderId === `${id}-s2` && o.status === "NEW"), "stop placed again", 10_000);
  }, 60_000);

  it("an open order of this portfolio that no position placed puts the account in REDUCING: exits only", async () => {
    const { session, account } = await openWithStop("rec1");
    // Someone places an order under this portfolio's client ids, outside the engine.
    const outsider = createBinanceClient({ market: "spot", mode: "sim", restUrl: session.restBase, apiKey: "sim-key", secret: "sim-secret", timeoutMs: 5_000, venue: "outsider" });
    await outsider.loadMarkets();
    await outsider.createOrder("BTC/USDT", "limit", "buy", 0.001, 20_000, { clientOrderId: "rec1-d99-BTC-e", timeInForce: "GTC" });
    const reduced = await waitFor(
      async () => {
        const c = await operator(account).controls();
        return c?.reducing ? c : null;
      },
      "REDUCING after reconciliation",
      15_000,
    );
    expect(reduced!.reducing!.reason).toMatch(/rec1-d99-BTC-e/);
    const refused = await account.requestEntry({ decisionId: "rec1-d2", at: T + 60_000, symbol: "BTC/USDT", positionPct: 0.1, agent: "test", reason: "while reducing" });
    expect(refused.accepted).toBe(false);
    const exit = await account.requestExit({ decisionId: "rec1-d3", at: T + 60_000, symbol: "BTC/USDT", reason: "exits still allowed" });
    expect(exit.accepted).toBe(true);
  }, 60_000);

  it("reconciliation of a consistent book finds no difference", async () => {
    const { account } = await openWithStop("rec2");
    const r = await waitFor(
      async () => {
        const x = await account.reconciliation();
        return x && x.wallAt > Date.now() - 60_000 ? x : null;
      },
      "a reconciliation pass",
      40_000,
    );
    expect(r.differences).toEqual([]);
    expect(r.reduce).toBeNull();
  }, 60_000);
});
