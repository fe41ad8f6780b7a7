import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { snapshotHash } from "../../../src/adapters/llm/backtest-deciders";
import type { Decision } from "../../../src/lib/decide/decision";
import { buildSnapshot, MarketSnapshotSchema, type MarketSnapshot, type TickerInput } from "../../../src/lib/decide/snapshot";
import { applyFill, newPosition, requestExit, type EntryContext, type PositionState } from "../../../src/lib/execution/position";
import { EpisodeSchema, RecalledEpisodeSchema } from "../../../src/lib/memory/episode-schema";
import { episodeOf, recallEpisodes, recallForTickers, reflect, rememberEpisode, truncate, type Episode, type EpisodeQuery } from "../../../src/lib/memory/episodes";
import { loadCandles } from "../../../sim/data/candles";
import { shippedInput } from "../backtest/fixtures";
import { snapshotInput } from "../decide/fixtures";

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const OPTS = { k: 3, maxChars: 3000 };

function closedPosition(
  id: string,
  over: { symbol?: string; ctx?: EntryContext; reason?: string; openedAt?: number; closedAt?: number; entry?: number; exit?: number; kind?: string } = {},
): PositionState {
  const openedAt = over.openedAt ?? T0;
  let p = newPosition(
    {
      id,
      portfolio: "main",
      symbol: over.symbol ?? "BTC/USDT",
      decisionId: `main-d-${id}`,
      agent: "claude:test",
      reason: over.reason ?? "trend up, RSI 58, momentum strong",
      notional: 1000,
      entryContext: over.ctx ?? { regime: "trending", atrPct: 2, momentum: 0.05, regimeKey: "trending_up", agentSignals: { momentum: 0.6, market: 0.3 } },
    },
    openedAt - 1,
  );
  const entry = over.entry ?? 100;
  p = applyFill(p, p.orders[0]!.clientOrderId, { price: entry, qty: 10, fee: 1, at: openedAt });
  if (over.closedAt === undefined) return p;
  p = requestExit(p, over.kind ?? "trailing_stop", "exit", over.closedAt);
  const exit = p.orders.find((o) => o.purpose === "exit")!;
  return applyFill(p, exit.clientOrderId, { price: over.exit ?? 110, qty: 10, fee: 1, at: over.closedAt });
}

const episode = (p: PositionState): Episode => episodeOf(p)!;
const query = (over: Partial<EpisodeQuery> = {}): EpisodeQuery => ({ symbol: "BTC/USDT", regimeKey: "trending_up", features: { atrPct: 2, momentum: 0.05 }, ...over });

describe("episodes (src/lib/memory/episodes.ts)", () => {
  it("an episode opens with the entry's fill and closes with the outcome and a deterministic reflection", () => {
    const pending = newPosition({ id: "p0", portfolio: "main", symbol: "BTC/USDT", decisionId: "d", agent: "a", reason: "r", notional: 10 }, T0);
    expect(episodeOf(pending)).toBeNull();

    const open = episode(closedPosition("p1"));
    expect(open).toMatchObject({ id: "p1", closedAt: null, outcome: null, reflection: null, reflectionSource: null, regimeKey: "trending_up", trend: "trending" });
    expect(open.features).toEqual({ atrPct: 2, momentum: 0.05 });
    expect(open.signals).toEqual({ market: 0.3, momentum: 0.6 });
    expect(EpisodeSchema.parse(open)).toEqual(open);

    const closed = episode(closedPosition("p1", { closedAt: T0 + 36 * HOUR }));
    expect(closed.closedAt).toBe(T0 + 36 * HOUR);
    // pnl = 10 × 110 − 1 − 10 × 100 − 1 = 98, over cost 1000 + entry fee 1.
    expect(closed.outcome).toEqual({ pnlPct: Number((98 / 1001).toPrecision(4)), exitKind: "trailing_stop", heldHours: 36 });
    expect(closed.reflectionSource).toBe("deterministic");
    expect(closed.reflection).toBe(
      "BTC/USDT long in trending_up (ATR 2.00%, momentum +5.00%), closed by trailing_stop after 36 h at +9.79%. Lesson: letting the winner run to the trailing stop paid.",
    );
    // The same position gives the same episode, every time.
    expect(episode(closedPosition("p1", { closedAt: T0 + 36 * HOUR }))).toEqual(closed);
  });

  it("reflects losses, stops and flat trades from the facts", () => {
    const e = { symbol: "ETH/USDT", regimeKey: "ranging", features: { atrPct: 3.1, momentum: -0.03 } };
    expect(reflect(e, { pnlPct: -0.15, exitKind: "hard_stop", heldHours: 5 })).toBe(
      "ETH/USDT long in ranging (ATR 3.10%, momentum -3.00%), closed by hard_stop after 5 h at -15.00%. Lesson: it went straight against the entry; ask for more confirmation before repeating this setup.",
    );
    expect(reflect(e, { pnlPct: -0.02, exitKind: "time_stop", heldHours: 168 })).toContain("Lesson: no follow-through before the time stop; the setup lacked momentum.");
    expect(reflect(e, { pnlPct: 0.001, exitKind: "decision", heldHours: 12 })).toContain("Lesson: it went nowhere, too little move to pay for fees and time.");
    expect(reflect(e, { pnlPct: 0.04, exitKind: "decision", heldHours: 12 })).toContain("Lesson: the setup worked in this regime.");
    expect(reflect({ ...e, regimeKey: null, features: {} }, { pnlPct: -0.03, exitKind: "review", heldHours: 2 })).toBe(
      "ETH/USDT long in an unknown regime (ATR n/a, momentum n/a), closed by review after 2 h at -3.00%. Lesson: the setup did not hold in this regime.",
    );
  });

  it("recalls a similar closed episode", () => {
    const similar = episode(closedPosition("similar", { closedAt: T0 + 10 * HOUR }));
    const recalled = recallEpisodes([similar], query(), T0 + 20 * HOUR, OPTS);
    expect(recalled).toHaveLength(1);
    expect(recalled[0]).toMatchObject({
      for: "BTC/USDT",
      symbol: "BTC/USDT",
      closedAt: T0 + 10 * HOUR,
      regimeKey: "trending_up",
      sameRegime: true,
      distance: 0,
      outcome: similar.outcome,
      reflection: similar.reflection,
      reasoning: similar.reasoning,
    });
    expect(RecalledEpisodeSchema.array().parse(recalled)).toEqual(recalled);
  });

  it("never recalls an open episode, nor one closed after now", () => {
    const open = episode(closedPosition("open"));
    const later = episode(closedPosition("later", { closedAt: T0 + 30 * HOUR }));
    const now = T0 + 20 * HOUR;
    expect(recallEpisodes([open, later], query(), now, OPTS)).toEqual([]);
    // At the close's own time it is known.
    expect(recallEpisodes([open, later], query(), T0 + 30 * HOUR, OPTS).map((r) => r.closedAt)).toEqual([T0 + 30 * HOUR]);
  });

  it("ranks a same-regime episode above a different-regime one, however close the latter's features", () => {
    const sameFar = episode(closedPosition("same", { closedAt: T0 + 5 * HOUR, ctx: { regime: "trending", atrPct: 5, momentum: -0.02, regimeKey: "trending_up" } }));
    const otherExact = episode(closedPosition("other", { closedAt: T0 + 6 * HOUR, ctx: { regime: "ranging", atrPct: 2, momentum: 0.05, regimeKey: "ranging" } }));
    const recalled = recallEpisodes([otherExact, sameFar], query(), T0 + 10 * HOUR, OPTS);
    expect(recalled.map((r) => [r.regimeKey, r.sameRegime])).toEqual([
      ["trending_up", true],
      ["ranging", false],
    ]);
    expect(recalled[1]!.distance).toBe(0);
    expect(recalled[0]!.distance).toBeGreaterThan(0);
  });

  it("orders by feature distance within a regime, then same symbol, then recency, then id: deterministically", () => {
    const near = episode(closedPosition("near", { closedAt: T0 + 1 * HOUR, ctx: { regime: "trending", atrPct: 2.1, momentum: 0.05, regimeKey: "trending_up" } }));
    const far = episode(closedPosition("far", { closedAt: T0 + 2 * HOUR, ctx: { regime: "trending", atrPct: 6, momentum: -0.1, regimeKey: "trending_up" } }));
    const otherSymbol = episode(closedPosition("eth", { symbol: "ETH/USDT", closedAt: T0 + 3 * HOUR }));
    const sameSymbolOld = episode(closedPosition("btc-old", { closedAt: T0 + 1 * HOUR }));
    const sameSymbolNew = episode(closedPosition("btc-new", { closedAt: T0 + 2 * HOUR }));
    const noFeatures = episode(closedPosition("bare", { closedAt: T0 + 4 * HOUR, ctx: { regime: "trending", atrPct: null, momentum: null, regimeKey: "trending_up" } }));
    const all = [far, near, otherSymbol, sameSymbolOld, noFeatures, sameSymbolNew];
    const ids = (xs: Episode[]) => recallEpisodes(xs, query(), T0 + 10 * HOUR, { k: 10, maxChars: 100_000 }).map((r) => r.closedAt + ":" + r.symbol + ":" + r.distance);
    const order = recallEpisodes(all, query(), T0 + 10 * HOUR, { k: 10, maxChars: 100_000 });
    const byId = new Map(all.map((e) => [`${e.closedAt}:${e.symbol}:${JSON.stringify(e.features)}`, e.id]));
    // Identical features first (same symbol, newer close first), then the near one; a missing feature counts 2σ apart,
    // so the episode without features sits before the far one (about 2.5σ on both features).
    expect(order.map((r) => byId.get(`${r.closedAt}:${r.symbol}:${JSON.stringify(r.features)}`))).toEqual(["btc-new", "btc-old", "eth", "near", "bare", "far"]);
    expect(order.map((r) => r.distance)).toEqual([...order.map((r) => r.distance)].sort((a, b) => a - b));
    expect(ids([...all].reverse())).toEqual(ids(all));
    expect(recallEpisodes(all, query(), T0 + 10 * HOUR, OPTS)).toHaveLength(3);
  });

  it("keeps the recalled block within maxChars with many long episodes, for one ticker and for several", () => {
    const long = "x".repeat(5000) + ' "quoted" \\ and \u00e9 and emoji \ud83d\ude80 ' + "y".repeat(3000);
    const many: Episode[] = [];
    for (let i = 0; i < 150; i++) {
      const e = episode(closedPosition(`p${i}`, { symbol: i % 2 ? "ETH/USDT" : "BTC/USDT", reason: long, closedAt: T0 + (i + 1) * HOUR, exit: 90 + (i % 20) }));
      many.push({ ...e, reflection: `${e.reflection} ${long}` });
    }
    for (const maxChars of [200, 700, 1200, 3000]) {
      const one = recallEpisodes(many, query(), T0 + 1000 * HOUR, { k: 3, maxChars });
      expect(JSON.stringify(one).length).toBeLessThanOrEqual(maxChars);
      expect(one.length).toBeLessThanOrEqual(3);
      const three = recallForTickers(many, [query(), query({ symbol: "ETH/USDT" }), query({ symbol: "SOL/USDT", regimeKey: "ranging" })], T0 + 1000 * HOUR, { k: 3, maxChars });
      expect(JSON.stringify(three).length).toBeLessThanOrEqual(maxChars);
    }
    // Three fit in 1200 characters only with their texts cut to stubs: two are recalled, with readable texts.
    const fitted = recallEpisodes(many, query(), T0 + 1000 * HOUR, { k: 3, maxChars: 1200 });
    expect(fitted).toHaveLength(2);
    expect(fitted.every((r) => r.reflection.length + r.reasoning.length >= 160)).toBe(true);
    expect(recallEpisodes(many, query(), T0 + 1000 * HOUR, { k: 3, maxChars: 3000 })).toHaveLength(3);
    expect(fitted.every((r) => r.reflection.endsWith("…") && r.reasoning.endsWith("…"))).toBe(true);
    // Stored reasoning is already bounded.
    expect(many[0]!.reasoning.length).toBeLessThanOrEqual(280);
  });

  it("truncates without splitting a surrogate pair", () => {
    expect(truncate("ab\ud83d\ude80cd", 4)).toBe("ab…");
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abc", 0)).toBe("");
  });

  it("keeps a run's newest closed episodes as recall candidates", () => {
    const list: Episode[] = [];
    rememberEpisode(list, episode(closedPosition("open")), 2);
    expect(list).toEqual([]);
    for (const id of ["a", "b", "c"]) rememberEpisode(list, episode(closedPosition(id, { closedAt: T0 + HOUR })), 2);
    rememberEpisode(list, episode(closedPosition("c", { closedAt: T0 + HOUR })), 2);
    expect(list.map((e) => e.id)).toEqual(["b", "c"]);
  });
});

describe("episodes in the decision snapshot", () => {
  const btc4h = loadCandles("BTCUSDT", "4h");
  const t = Date.UTC(2025, 5, 3, 12);
  const ticker: TickerInput = { symbol: "BTC/USDT", candles: { "4h": btc4h.filter((c) => c.t < t).slice(-120) }, price: { value: 100_000, at: t }, features: null, funding: [] };

  it("recalls per ticker from the snapshot's own regime and indicators, point in time, and only with indicators", () => {
    const probe = buildSnapshot(snapshotInput([ticker]), t);
    expect(probe.episodes).toBeUndefined();
    const ind = probe.tickers[0]!.timeframes["4h"]!;
    const regimeKey = probe.tickers[0]!.regime!.trend;
    const like = episode(closedPosition("like", { closedAt: t - HOUR, ctx: { regime: regimeKey, atrPct: ind.atrPct, momentum: ind.momentum14, regimeKey } }));
    const after = episode(closedPosition("after", { closedAt: t + HOUR, ctx: { regime: regimeKey, atrPct: ind.atrPct, momentum: ind.momentum14, regimeKey } }));
    const open = episode(closedPosition("open", { ctx: { regime: regimeKey, atrPct: ind.atrPct, momentum: ind.momentum14, regimeKey } }));
    const input = snapshotInput([ticker], { episodes: { candidates: [after, open, like], k: 3, maxChars: 3000 } });
    const snapshot = buildSnapshot(input, t);
    expect(snapshot.episodes).toHaveLength(1);
    expect(snapshot.episodes![0]).toMatchObject({ for: "BTC/USDT", closedAt: t - HOUR, sameRegime: true });
    expect(snapshot.episodes![0]!.distance).toBeCloseTo(0, 2);
    expect(MarketSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    // The rule deciders' snapshot (no indicators) carries no recall.
    expect(buildSnapshot(input, t, { indicators: "none" }).episodes).toBeUndefined();
  });

  it("a backtest recalls its own closed episodes the same way: none before the first close, only closed ones after", { timeout: 60_000 }, async () => {
    const base = shippedInput("4h", Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 20), {
      gate: { decisionTimeframe: "4h" },
      regime: { hmm: false },
      quant: { enabled: false },
      memory: { recallMaxChars: 1200 },
    });
    const input = { ...base, candles: { "BTC/USDT": base.candles["BTC/USDT"]! } };
    const seen: MarketSnapshot[] = [];
    let n = 0;
    const ask = async (snapshot: MarketSnapshot) => {
      seen.push(snapshot);
      const held = snapshot.account.positions.some((p) => p.symbol === "BTC/USDT");
      const action = held ? "SELL" : n++ % 2 === 0 ? "BUY" : "HOLD";
      const decision: Decision = {
        decisions: [{ ticker: "BTC/USDT", action, position_pct: 0.2, confidence: 0.7, reasoning: `step ${seen.length}: ${action}`, signal_weights: {} }],
        market_assessment: "test",
        next_check_seconds: 14_400,
        wake_conditions: [],
        memory_update: null,
      };
      return { decision, failure: null, raw: null, usage: { input_tokens: 0, output_tokens: 0 }, latencyMs: 0 };
    };
    const r = await runBacktest({ ...input, decider: { mode: "claude", ask, hash: snapshotHash } });
    expect(r.trades.length).toBeGreaterThan(2);
    const firstClose = Math.min(...r.trades.map((x) => x.exitAt));
    for (const s of seen) {
      expect(s.episodes).toBeDefined();
      expect(JSON.stringify(s.episodes).length).toBeLessThanOrEqual(1200);
      for (const e of s.episodes!) expect(e.closedAt).toBeLessThanOrEqual(s.at);
      if (s.at < firstClose) expect(s.episodes).toEqual([]);
    }
    const recalled = seen.filter((s) => s.episodes!.length > 0);
    expect(recalled.length).toBeGreaterThan(0);
    const closedAts = new Set(r.trades.map((x) => x.exitAt));
    expect(recalled.every((s) => s.episodes!.every((e) => closedAts.has(e.closedAt) && e.reasoning.startsWith("step ")))).toBe(true);
  });
});
