import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advance, api, defaultSession, migrateD1, openStream, untilMinute, waitFor } from "./support";

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
const START = Date.UTC(2026, 2, 26);
const MIN = 60_000;

describe("replay → gate → decision → order → fill → safety exit → D1 → API and stream", () => {
  it("trades on replayed real data and every step leaves its record", async () => {
    await migrateD1();
    const stream = await openStream();
    const started = await api("/api/engine/start", { method: "POST", body: JSON.stringify({ initialCash: 10_000 }) });
    expect(started.status).toBe(200);
    const body = (await started.json()) as { symbols: string[]; account: { cash: number } };
    expect(body.symbols).toEqual(SYMBOLS);
    expect(body.account.cash).toBe(10_000);

    const session = defaultSession();
    const SAFETY = ["hard_stop", "trailing_stop", "time_stop"];
    let trades: any[] = [];
    const allTrades = async () => ((await (await api("/api/trades")).json()) as { trades: any[] }).trades;
    /** The trades once one closed by the safety layer is among them, within `ms`; else the trades there are. */
    const safetyExitWithin = (ms: number) =>
      waitFor(
        async () => {
          const all = await allTrades();
          return all.some((t) => SAFETY.includes(t.exit_kind)) ? all : null;
        },
        "a trade closed by the safety layer",
        ms,
      ).catch(allTrades);
    // Decisions come at the 4h closes (and on material moves): the rule pipeline's first entry is at the 12:00 close, its
    // 8 h time stop near the end of the first day; its first price may wait for the next advance of 2 h. Up to two days.
    for (let minutes = 120; minutes <= 2880 && !trades.some((t) => SAFETY.includes(t.exit_kind)); minutes += 120) {
      await advance(session, 120);
      for (const s of SYMBOLS) await untilMinute(s, START + minutes * MIN - MIN, 60_000);
      trades = await safetyExitWithin(1_500);
    }
    // Under load the engine may still be catching up with the last advance: give it time before looking.
    if (!trades.some((t) => SAFETY.includes(t.exit_kind))) {
      trades = await safetyExitWithin(30_000);
    }
    const trade = trades.find((t) => SAFETY.includes(t.exit_kind));
    if (!trade) {
      // What the engine did instead, for the failure message: its decisions and positions.
      const made = (await env.DB.prepare("SELECT id, at, trigger_layer, status, decision_json, snapshot_json FROM decisions WHERE kind = 'decision' ORDER BY at").all<any>()).results;
      const held = (await env.ACCOUNT.getByName("account:main").summary()).positions.map((p) => `${p.symbol} ${p.status}`);
      const acts = made.map(
        (d) =>
          `${d.id}@${new Date(d.at).toISOString().slice(5, 16)} ${d.trigger_layer} ${d.status}: ${(JSON.parse(d.decision_json ?? "{}").decisions ?? [])
            .filter((x: any) => x.action !== "HOLD")
            .map((x: any) => `${x.action} ${x.ticker}`)
            .join(", ")} (prices at ${(JSON.parse(d.snapshot_json ?? "{}").tickers ?? []).map((t: any) => new Date(t.price.at).toISOString().slice(11, 16)).join(" ")})`,
      );
      expect.fail(`no trade closed by the safety layer; trades: ${JSON.stringify(trades.map((t) => t.exit_kind))}; positions: ${held.join(", ") || "none"}; decisions: ${acts.join(" | ")}`);
    }
    expect(trade, `trades: ${JSON.stringify(trades.map((t) => t.exit_kind))}`).toBeDefined();
    expect(trade.exit_at - trade.entry_at).toBeGreaterThanOrEqual(8 * 3_600_000);

    // The decision that opened it: a BUY by the rule decider, with its snapshot and outcome.
    const decision = (await (await api(`/api/decisions/${trade.decision_id}`)).json()) as { decision: any };
    expect(decision.decision.status).toBe("executed");
    const made = decision.decision.decision;
    expect(made.decisions.find((d: any) => d.ticker === trade.symbol).action).toBe("BUY");
    expect(decision.decision.snapshot.tickers.length).toBe(3);
    expect(decision.decision.decider).toBe("rule:synthesizer");

    // Two orders, both filled, with deterministic client ids, paying the fee at the fill price.
    const orders = ((await (await api(`/api/orders?position_id=${trade.id}`)).json()) as { orders: any[] }).orders;
    expect(orders.map((o) => o.id).sort()).toEqual([`${trade.id}-e`, `${trade.id}-x`]);
    for (const o of orders) {
      expect(o.status).toBe("filled");
      expect(o.fee).toBeCloseTo(o.filled_qty * o.fill_price * 0.001, 9);
    }
    const entry = orders.find((o) => o.purpose === "entry")!;
    const exit = orders.find((o) => o.purpose === "exit")!;
    // Paper fills are at a real price of the replay (one of the minute's shipped OHLC levels) ± slippage.
    for (const [o, slip] of [
      [entry, 1.0005],
      [exit, 0.9995],
    ] as const) {
      const m = o.filled_at - (o.filled_at % MIN);
      const url = `${session.restBase}/api/v3/klines?symbol=${trade.symbol.replace("/", "")}&interval=1m&startTime=${m - MIN}&limit=2`;
      const levels = ((await (await fetch(url)).json()) as string[][]).flatMap((k) => k.slice(1, 5).map(Number));
      expect(
        levels.some((p) => Math.abs(p * slip - o.fill_price) < 1e-9 * p),
        `${o.id} at ${o.fill_price}`,
      ).toBe(true);
    }
    expect(trade.pnl).toBeCloseTo(exit.filled_qty * exit.fill_price - exit.fee - entry.filled_qty * entry.fill_price - entry.fee, 6);

    // The learner and the account each booked the close once.
    const learner = await env.LEARNER.getByName("learner:main").status();
    expect(learner.trades).toBe(trades.length);
    const account = await env.ACCOUNT.getByName("account:main").summary();
    expect(account.closedCount).toBe(trades.length);

    // The stream carried the whole story, numbered in order.
    await waitFor(async () => stream.events.some((e) => e.type === "position.closed"), "position.closed on the stream", 5_000);
    const types = new Set(stream.events.map((e) => e.type));
    for (const t of ["feed.status", "gate.wake", "decision.made", "order.filled", "position.opened", "position.closed", "portfolio.update"]) expect(types, t).toContain(t);
    const seqs = stream.events.filter((e) => e.type !== "stream.hello").map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    stream.ws.close();

    const equity = (await (await api("/api/equity")).json()) as { equity: any[] };
    expect(equity.equity.length).toBeGreaterThan(0);
    const gate = (await (await api("/api/gate?opened=true")).json()) as { events: any[]; counts: Record<string, number> };
    expect(gate.events.every((e) => e.opened === 1 && e.reason.length > 0)).toBe(true);
    expect(gate.counts["skip:no layer fired"]).toBeGreaterThan(1000);

    // Manual wakes through the API: one per gate.manualWakeCooldownMs (60 s) of wall time.
    const first = await api("/api/gate/wake", { method: "POST", body: JSON.stringify({ reason: "operator check" }) });
    expect(first.status).toBe(200);
    const second = await api("/api/gate/wake", { method: "POST", body: JSON.stringify({ reason: "again" }) });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(50);
    expect(((await second.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "wake_limited",
      message: expect.stringMatching(/^manual wakes are limited to one per 60 s: try again in \d+ s$/),
    });
  }, 240_000);
});
