import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleRange } from "../../../sim/data/candles";
import { startExchangeSim, type ExchangeSim, type Session } from "../../../sim/exchange/server";
import { getJson, iso, postJson, signed } from "./helpers";

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

const START = iso("2025-06-04T12:00:00Z");
const MIN = 60_000;
const close = (i: number) => loadCandleRange("BTCUSDT", "1m", START + i * MIN, START + (i + 1) * MIN)[0]!.c;

async function session(extra: Record<string, unknown> = {}): Promise<Session> {
  const s = sim.createSession({ start: START, symbols: ["BTCUSDT"], partials: 0, ...extra });
  await s.advance(1);
  return s;
}
const buy = (s: Session, qty: string, extra: Record<string, string> = {}) => signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: qty, ...extra });
const query = async (s: Session, orderId: number) => (await signed(s.restBase, "GET", "order", { symbol: "BTCUSDT", orderId })).body;
const usdt = async (s: Session) => (await signed(s.restBase, "GET", "account", {})).body.balances.find((b: any) => b.asset === "USDT");

describe("fillParts", () => {
  it("fills a MARKET order as several trades with distinct ids, each paying its own commission", async () => {
    const s = await session({ fillParts: 3 });
    const p = close(0);
    const r = await buy(s, "0.01001");
    expect(r.body).toMatchObject({ status: "FILLED", executedQty: "0.01001000" });
    expect(r.body.fills).toEqual([
      { price: p.toFixed(8), qty: "0.00333000", commission: "0.00000333", commissionAsset: "BTC", tradeId: 1 },
      { price: p.toFixed(8), qty: "0.00333000", commission: "0.00000333", commissionAsset: "BTC", tradeId: 2 },
      { price: p.toFixed(8), qty: "0.00335000", commission: "0.00000335", commissionAsset: "BTC", tradeId: 3 },
    ]);
    const trades = (await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT" })).body;
    expect(trades.map((t: any) => [t.id, t.orderId])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const btc = (await signed(s.restBase, "GET", "account", {})).body.balances.find((b: any) => b.asset === "BTC");
    expect(btc.free).toBe("0.00999999"); // 0.01001 less 0.00001001 commission
    // A LIMIT order resting on the book still fills in one trade.
    const limit = await signed(s.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: (p * 1.01).toFixed(2) });
    expect(limit.body.fills).toHaveLength(1);
  });

  it("never splits below the lot step: 5 steps in 100 parts are 5 fills", async () => {
    const s = await session({ fillParts: 100 });
    const r = await buy(s, "0.00005");
    expect(r.body.fills.map((f: any) => [f.qty, f.tradeId])).toEqual([1, 2, 3, 4, 5].map((id) => ["0.00001000", id]));
  });
});

describe("delayed_fill fault", () => {
  it("accepts the next MARKET order as NEW and fills it over the next ticks: NEW → PARTIALLY_FILLED → FILLED", async () => {
    const s = await session();
    await postJson(`${s.restBase}/sim/fault`, { type: "delayed_fill", count: 1, parts: 2 });
    const r = await buy(s, "0.01", { newClientOrderId: "slow" });
    expect(r.body).toMatchObject({ status: "NEW", executedQty: "0.00000000", cummulativeQuoteQty: "0.00000000", fills: [] });
    expect(await query(s, r.body.orderId)).toMatchObject({ status: "NEW", isWorking: true });
    const locked = (0.01 * close(0)).toFixed(8);
    expect((await usdt(s)).locked).toBe(locked);
    expect((await signed(s.restBase, "GET", "openOrders", { symbol: "BTCUSDT" })).body.map((o: any) => o.clientOrderId)).toEqual(["slow"]);

    await s.advance(1);
    const half = await query(s, r.body.orderId);
    expect(half).toMatchObject({ status: "PARTIALLY_FILLED", executedQty: "0.00500000", cummulativeQuoteQty: (0.005 * close(1)).toFixed(8), updateTime: START + 2 * MIN });
    await s.advance(1);
    const full = await query(s, r.body.orderId);
    expect(full).toMatchObject({ status: "FILLED", executedQty: "0.01000000", updateTime: START + 3 * MIN });
    expect(Number(full.cummulativeQuoteQty)).toBeCloseTo(0.005 * close(1) + 0.005 * close(2), 8);
    const trades = (await signed(s.restBase, "GET", "myTrades", { symbol: "BTCUSDT", orderId: r.body.orderId })).body;
    expect(trades.map((t: any) => [t.id, t.price, t.time])).toEqual([
      [1, close(1).toFixed(8), START + 2 * MIN],
      [2, close(2).toFixed(8), START + 3 * MIN],
    ]);
    const u = await usdt(s);
    expect(u.locked).toBe("0.00000000");
    expect(Number(u.free)).toBeCloseTo(10_000 - Number(full.cummulativeQuoteQty), 8);
    // The fault is used up: the next market order fills at once.
    expect((await buy(s, "0.001")).body.status).toBe("FILLED");
    expect((await getJson(`${s.restBase}/sim/state`)).body.faults.delayedFills).toEqual([]);
  });

  it("spaces parts by ticksPerPart, and a cancel mid-way keeps what filled and releases the rest", async () => {
    const s = await session();
    s.fault({ type: "delayed_fill", count: 2, parts: 3, ticksPerPart: 2 });
    const a = await buy(s, "0.003");
    expect((await getJson(`${s.restBase}/sim/state`)).body.faults.delayedFills).toEqual([{ remaining: 1, parts: 3, ticksPerPart: 2 }]);
    await s.advance(1);
    expect(await query(s, a.body.orderId)).toMatchObject({ status: "NEW", executedQty: "0.00000000" });
    await s.advance(1);
    expect(await query(s, a.body.orderId)).toMatchObject({ status: "PARTIALLY_FILLED", executedQty: "0.00100000" });
    const del = await signed(s.restBase, "DELETE", "order", { symbol: "BTCUSDT", orderId: a.body.orderId });
    expect(del.body).toMatchObject({ status: "CANCELED", executedQty: "0.00100000" });
    const u = await usdt(s);
    expect(u.locked).toBe("0.00000000");
    expect(Number(u.free)).toBeCloseTo(10_000 - 0.001 * close(2), 8);
    await s.advance(4);
    expect(await query(s, a.body.orderId)).toMatchObject({ status: "CANCELED", executedQty: "0.00100000" });
    // The second delayed order of the fault.
    expect((await buy(s, "0.001")).body.status).toBe("NEW");
  });
});
