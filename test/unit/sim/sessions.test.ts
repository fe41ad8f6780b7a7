import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExchangeSim, type ExchangeSim } from "../../../sim/exchange/server";
import { Collector, getJson, iso, postJson, signed } from "./helpers";

let sim: ExchangeSim;
const logs: string[] = [];
beforeAll(async () => {
  sim = await startExchangeSim({
    defaultSession: { start: "2026-03-24T00:00:00Z", symbols: ["SOLUSDT"] },
    log: (l) => logs.push(l),
  });
});
afterAll(() => sim.close());

describe("sessions", () => {
  it("serves the default session at the root and at /s/default", async () => {
    const root = await getJson(`${sim.url}/api/v3/time`);
    const byId = await getJson(`${sim.url}/s/default/api/v3/time`);
    expect(root.body).toEqual({ serverTime: iso("2026-03-24T00:00:00Z") });
    expect(byId.body).toEqual(root.body);
    expect(sim.session("default")?.restBase).toBe(sim.url);
    const c = new Collector(`${sim.wsUrl}/ws/solusdt@kline_1m`);
    await c.opened();
    await postJson(`${sim.url}/sim/advance`, { minutes: 1 });
    const [frame] = await c.exactly(4);
    expect(frame.s).toBe("SOLUSDT");
    c.close();
  });

  it("creates sessions over HTTP and rejects bad bodies with a readable 400", async () => {
    const r = await postJson(`${sim.url}/sim/sessions`, { start: "2025-06-01T12:00:00Z", symbols: ["BTCUSDT"] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ now: iso("2025-06-01T12:00:00Z"), restBase: `${sim.url}/s/${r.body.id}`, wsBase: `${sim.wsUrl}/s/${r.body.id}` });
    expect((await getJson(`${r.body.restBase}/api/v3/time`)).body.serverTime).toBe(iso("2025-06-01T12:00:00Z"));

    const sol2025 = await postJson(`${sim.url}/sim/sessions`, { start: "2025-06-01T12:00:00Z" });
    expect(sol2025.status).toBe(400);
    expect(sol2025.body.error).toMatch(/outside the shipped 1m data of SOLUSDT/);
    const typo = await postJson(`${sim.url}/sim/sessions`, { start: "2025-06-01", speeed: 3 });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatch(/speeed/);
    expect((await postJson(`${sim.url}/sim/sessions`, { start: "not a date" })).status).toBe(400);
    expect(() => sim.createSession({ start: "2024-01-01T00:00:00Z" })).toThrow(/outside the shipped 1m data/);
  });

  it("keeps clocks, balances, orders and sockets separate between sessions", async () => {
    const a = sim.createSession({ start: "2025-06-02T00:00:00Z", symbols: ["BTCUSDT"] });
    const b = sim.createSession({ start: "2025-06-02T00:00:00Z", symbols: ["BTCUSDT"], balances: { USDT: 500 } });
    const ca = new Collector(`${a.wsBase}/ws/btcusdt@kline_1m`);
    const cb = new Collector(`${b.wsBase}/ws/btcusdt@kline_1m`);
    await Promise.all([ca.opened(), cb.opened()]);
    await a.advance(2);
    await ca.exactly(8);
    expect(cb.messages).toHaveLength(0);
    expect(b.now()).toBe(iso("2025-06-02T00:00:00Z"));
    await signed(a.restBase, "POST", "order", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "x" });
    expect((await getJson(`${b.restBase}/sim/state`)).body.ordersByClientId).toEqual({});
    const usdt = async (base: string) => (await signed(base, "GET", "account", {})).body.balances.find((x: any) => x.asset === "USDT").free;
    expect(await usdt(b.restBase)).toBe("500.00000000");
    expect(Number(await usdt(a.restBase))).toBeLessThan(10_000);
    a.fault({ type: "http", status: 500, count: 1 });
    expect((await fetch(`${b.restBase}/api/v3/ping`)).status).toBe(200);
    ca.close();
    cb.close();
  });

  it("logs once when a session runs out of 1m data", async () => {
    const s = sim.createSession({ start: "2026-03-30T23:59:00Z", symbols: ["BTCUSDT"] });
    await s.advance(3);
    await s.advance(1);
    expect(logs.filter((l) => l.includes(s.id))).toHaveLength(1);
    expect(s.state()).toMatchObject({ ended: true, now: iso("2026-03-31T00:00:00Z") });
  });

  it("answers unknown sessions with 404", async () => {
    expect((await getJson(`${sim.url}/s/nope/api/v3/time`)).status).toBe(404);
  });
});
