import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Episode } from "../../src/lib/memory/episodes";
import type { RecalledEpisode } from "../../src/lib/memory/episode-schema";
import { api, createSession, migrateD1, startPortfolio, stopStartedPortfolios, waitFor } from "./support";

const START = "2026-03-26T12:00:00Z";
const T = Date.parse(START);
const HOUR = 3_600_000;
const VENUE = "epv";

/** A paper position of portfolio main, driven by hand: its entry fills at `entry`; with `exit` it closes there. */
async function tradeBy(id: string, session: { restBase: string }, at: number, entry: number, exit?: number) {
  const pos = env.POSITION.getByName(`position:main:${id}`);
  await pos.open({
    id,
    portfolio: "main",
    symbol: "BTC/USDT",
    decisionId: `main-${id}`,
    agent: "claude:test",
    reason: `entry of ${id}: momentum up, RSI 58`,
    notional: 1_000,
    entryContext: { regime: "trending", atrPct: 2.1, momentum: 0.04, regimeKey: "trending_up", agentSignals: { momentum: 0.5 } },
    venue: VENUE,
    restUrl: session.restBase,
    at,
  });
  await pos.onPrice({ price: entry, at: at + 60_000 });
  if (exit === undefined) return pos;
  await pos.requestExit({ kind: "decision", reason: "test exit", at: at + 2 * HOUR });
  await pos.onPrice({ price: exit, at: at + 2 * HOUR + 60_000 });
  return pos;
}

const episodes = async (query = "") => ((await (await api(`/api/episodes${query}`)).json()) as { episodes: Episode[] }).episodes;

describe("episodic memory through the actors, D1 and the API", () => {
  it("writes an episode when the entry fills, closes it with the trade, shows it at GET /api/episodes and recalls only closed ones into a decision's snapshot", async () => {
    await migrateD1();
    const session = await createSession({ start: START, symbols: ["BTCUSDT"] });
    const { gate } = await startPortfolio({ portfolio: "main", venue: VENUE, session, symbols: ["BTC/USDT"], decider: "rule" });
    try {
      await tradeBy("ep-closed", session, T - 48 * HOUR, 100, 110);
      await tradeBy("ep-open", session, T - 24 * HOUR, 100);

      // The outbox drains to D1 by alarm: the closed episode's close upserts its open row (one row per position).
      const all = await waitFor(async () => {
        const e = await episodes();
        return e.length === 2 && e.some((x) => x.id === "ep-closed" && x.closedAt !== null) ? e : null;
      }, "both episodes in D1");
      expect(all.map((e) => e.id)).toEqual(["ep-open", "ep-closed"]);
      const [open, closed] = all as [Episode, Episode];
      expect(open).toMatchObject({
        closedAt: null,
        outcome: null,
        reflection: null,
        regimeKey: "trending_up",
        features: { atrPct: 2.1, momentum: 0.04 },
        reasoning: "entry of ep-open: momentum up, RSI 58",
      });
      expect(closed).toMatchObject({ portfolio: "main", symbol: "BTC/USDT", agent: "claude:test", decisionId: "main-ep-closed", regimeKey: "trending_up", reflectionSource: "deterministic" });
      expect(closed.outcome).toMatchObject({ exitKind: "decision", heldHours: 2 });
      expect(closed.outcome!.pnlPct).toBeGreaterThan(0.09);
      expect(closed.reflection).toMatch(/^BTC\/USDT long in trending_up \(ATR 2\.10%, momentum \+4\.00%\), closed by decision after 2 h at \+9\.\d\d%\. Lesson: /);
      const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM episodes WHERE id = 'ep-closed'").first<{ n: number }>();
      expect(rows!.n).toBe(1);

      expect((await episodes("?status=closed")).map((e) => e.id)).toEqual(["ep-closed"]);
      expect((await episodes("?status=open")).map((e) => e.id)).toEqual(["ep-open"]);
      expect(await episodes("?symbol=ETH/USDT")).toEqual([]);
      expect((await episodes("?limit=1")).map((e) => e.id)).toEqual(["ep-open"]);
      expect((await episodes(`?before=${open.openedAt}`)).map((e) => e.id)).toEqual(["ep-closed"]);
      const bad = await api("/api/episodes?status=maybe");
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_query");

      // A decision now recalls the closed episode into its snapshot, never the open one.
      await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
      const before = (await gate.status()).decisions;
      expect((await gate.wake("episodes test")).open).toBe(true);
      const id = `main-d${before + 1}`;
      const row = await waitFor(
        async () => env.DB.prepare("SELECT snapshot_json FROM decisions WHERE id = ? AND status IN ('executed', 'failed')").bind(id).first<{ snapshot_json: string }>(),
        `decision ${id}`,
      );
      const snapshot = JSON.parse(row.snapshot_json) as { at: number; episodes?: RecalledEpisode[] };
      expect(snapshot.episodes).toBeDefined();
      expect(snapshot.episodes!.map((e) => [e.for, e.closedAt])).toEqual([["BTC/USDT", closed.closedAt]]);
      expect(snapshot.episodes![0]).toMatchObject({ outcome: closed.outcome, reflection: closed.reflection });
      expect(JSON.stringify(snapshot.episodes).length).toBeLessThanOrEqual(3_000);
    } finally {
      await stopStartedPortfolios();
    }
  }, 90_000);
});
