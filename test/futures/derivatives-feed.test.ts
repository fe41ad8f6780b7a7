import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { MarketSnapshot } from "../../src/lib/decide/snapshot";
import { advance, createSession, migrateD1, simState, startPortfolio, stopStartedPortfolios, waitFor } from "../workers/support";

beforeAll(async () => {
  await migrateD1();
});

describe("the derivatives context from the simulator's statistics (ticker.derivativesData all)", () => {
  it("is polled, stamped no later than the market time, labelled synthetic, and reaches the snapshot and the derivatives agent", async () => {
    const start = Date.UTC(2026, 2, 26, 11, 50); // the 4h close at 12:00 wakes a decision
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    await startPortfolio({ portfolio: "fder", venue: "fderv", session: s, symbols: ["BTC/USDT"], decider: "rule" });
    await advance(s, 2);
    const ticker = env.TICKER.getByName("ticker:fderv:BTCUSDT");
    const quote = await waitFor(async () => {
      const q = await ticker.quote();
      return q.derivatives && q.derivatives.openInterest.length > 0 && q.derivatives.basis.length > 0 ? q : null;
    }, "the derivatives poll");
    const now = (await simState(s)).now;
    const d = quote.derivatives!;
    expect(d.synthetic).toBe(true);
    // 100 periods of 15 minutes: the day before, for funding-oi and the agent's 24 h comparison.
    expect(d.openInterest.length).toBeGreaterThanOrEqual(96);
    for (const p of [...d.openInterest, ...d.takerBuySellRatio, ...d.longShortRatio, ...d.basis, ...d.liquidations]) expect(p.at).toBeLessThanOrEqual(now);

    // Each point also went to D1 the first time a poll saw it, as stamped and labelled (for later backtests).
    const rows = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT kind, t, synthetic FROM derivatives_history WHERE symbol = 'BTC/USDT'").all<{ kind: string; t: number; synthetic: number }>()).results;
      return r.length >= 96 ? r : null;
    }, "the derivatives history in D1");
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["open_interest", "taker_buy_sell_ratio", "long_short_ratio", "basis", ...(d.liquidations.length ? ["liquidation"] : [])]));
    expect(rows.every((r) => r.synthetic === 1 && r.t <= now)).toBe(true);
    expect(
      rows
        .filter((r) => r.kind === "open_interest")
        .map((r) => r.t)
        .sort((a, b) => a - b),
    ).toEqual(d.openInterest.map((p) => p.at));

    // A decision's snapshot and the agents' votes read them (the dry run answers without trading).
    const dry = (await env.GATE.getByName("gate:fder").dryRun({}))!;
    const agent = dry.votes[0]!.scores.find((x) => x.agent === "derivatives")!;
    expect(agent.active).toBe(true);
    expect(agent.inputs).toMatchObject({ takerDelta: expect.any(Number), longShortRatio: expect.any(Number), openInterestChange: expect.any(Number) });

    // The decision log keeps the snapshot: every derivatives value stamped at or before its decision.
    await advance(s, 12);
    const row = await waitFor(
      () => env.DB.prepare("SELECT snapshot_json FROM decisions WHERE portfolio = 'fder' AND snapshot_json IS NOT NULL ORDER BY at DESC LIMIT 1").first<{ snapshot_json: string }>(),
      "a decision with its snapshot",
      20_000,
    );
    const snapshot = JSON.parse(row.snapshot_json) as MarketSnapshot;
    const view = snapshot.tickers[0]!.derivatives;
    expect(view.synthetic).toBe(true);
    for (const key of ["openInterest", "takerBuySellRatio", "longShortRatio", "basis"] as const) {
      expect(view[key], key).not.toBeNull();
      expect(view[key]!.at, key).toBeLessThanOrEqual(snapshot.at);
    }
    await stopStartedPortfolios();
  });
});
