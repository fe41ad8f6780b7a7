import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHALLENGER_PROMPT_VERSION, PROMPT_VERSION, SYSTEM_PROMPT, systemPromptOf } from "../../src/lib/decide/prompt";
import {
  ALL_FEEDS_CONNECTED_MS,
  advance,
  api,
  createSession,
  llmControl,
  migrateD1,
  simState,
  startPortfolio,
  stopStartedPortfolios,
  tickerStub,
  untilMinute,
  waitFor,
  type SimSession,
} from "./support";

// All Claude tests share the local Messages-API server's default session (the worker's ANTHROPIC_BASE_URL),
// so they live in this one file and run in order; each uses its own portfolio, venue and market session.
const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
const START = "2026-03-26T12:00:00Z"; // BTC and ETH 4h RSI just under 40: the scripted policy buys them
const MIN = 60_000;

type Gate = Awaited<ReturnType<typeof startPortfolio>>["gate"];

async function decisionRow(id: string): Promise<any> {
  return waitFor(async () => env.DB.prepare("SELECT * FROM decisions WHERE id = ? AND status IN ('executed', 'failed')").bind(id).first<any>(), `decision ${id} recorded`);
}

/** A manual wake, then the decision it started, once recorded. */
async function decideNow(gate: Gate, portfolio: string, reason = "test"): Promise<any> {
  await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
  const before = (await gate.status()).decisions;
  const v = await gate.wake(reason);
  expect(v.open).toBe(true);
  const row = await decisionRow(`${portfolio}-d${before + 1}`);
  await waitFor(async () => (await gate.status()).state.inFlight === null, "decision ended");
  return row;
}

/**
 * Replays minutes once every ticker of the session is connected: in manual mode the sockets are silent
 * between advances, so the 2 s silence detector keeps replacing them, and frames sent while a socket is
 * being replaced reach no position (its ticker backfills the candles by REST, without the partial prices).
 */
async function advanceLive(session: SimSession, minutes: number, venue: string): Promise<void> {
  await waitFor(
    async () => {
      const feeds = await Promise.all(SYMBOLS.map(async (s) => (await tickerStub(s, venue).status()).feed.status));
      return feeds.every((f) => f === "live") && (await simState(session)).connections >= SYMBOLS.length;
    },
    "every feed live",
    ALL_FEEDS_CONNECTED_MS,
  );
  await advance(session, minutes);
}

const requests = async () => ((await llmControl("requests")) as unknown[]).length;
const HOLD_ALL = { decisions: [], market_assessment: "quiet", next_check_seconds: 3600, wake_conditions: [], memory_update: null };

describe("Claude as the decision maker, through the real SDK against the local Messages API", () => {
  beforeEach(async () => {
    await migrateD1();
    await llmControl("reset", {});
  });
  afterEach(stopStartedPortfolios);

  it("a decision flows to orders, is logged with prompt, tokens and cost, and open positions get reviewed without a call each", async () => {
    const session = await createSession({ start: START });
    const { gate, account } = await startPortfolio({ portfolio: "c1", venue: "v1", session, symbols: SYMBOLS, decider: "claude" });
    const row = await decideNow(gate, "c1");
    expect(row).toMatchObject({ status: "executed", decider: "claude:claude-sonnet-4-6", prompt_version: "decide-v5", model: "claude-sonnet-4-6", kind: "decision" });
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(row.cache_write_tokens).toBeGreaterThan(0);
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(row.raw_response).content[0].type).toBe("tool_use");
    const outcomes = JSON.parse(row.outcome_json) as { ticker: string; action: string; accepted: boolean }[];
    const buys = outcomes.filter((o) => o.action === "BUY");
    // The policy buys what has a 4h RSI under 40: ETH at this time.
    expect(buys.map((o) => o.ticker)).toContain("ETH/USDT");
    expect(buys.every((o) => o.accepted)).toBe(true);
    expect((await account.summary()).positions.map((p) => p.symbol).sort()).toEqual(buys.map((o) => o.ticker).sort());

    // The request: cached static prefix, the snapshot in the user message, the forced tool.
    const [req] = (await llmControl("requests")) as { body: any }[];
    expect(req!.body.system[0].cache_control).toEqual({ type: "ephemeral" });
    expect(req!.body.tool_choice).toEqual({ type: "tool", name: "submit_decision" });
    expect(req!.body.messages[0].content[0].text).toContain("<snapshot>");

    // Under Claude the strategies and the agents still ran: their signals and votes are recorded for the decision…
    const votes = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT * FROM agent_votes WHERE decision_id = 'c1-d1'").all<any>()).results;
      return r.length === SYMBOLS.length ? r : null;
    }, "the agents' votes of c1-d1");
    const signals = (await env.DB.prepare("SELECT * FROM signals WHERE decision_id = 'c1-d1'").all<any>()).results;
    expect(signals.length).toBeGreaterThanOrEqual(SYMBOLS.length);
    // The API serves them: GET /api/signals and /api/signals/votes of the portfolio.
    const listed = (await (await api("/api/signals?portfolio=c1&limit=1000")).json()) as { signals: { strategy: string; symbol: string }[] };
    expect(listed.signals.length).toBe(signals.length);
    const voted = (await (await api("/api/signals/votes?portfolio=c1&decision=c1-d1")).json()) as { votes: { symbol: string }[] };
    expect(voted.votes.map((v) => v.symbol).sort()).toEqual([...SYMBOLS].sort());
    // …and Claude received them inside the snapshot, as data: its signal_weights name inputs it saw.
    const text = req!.body.messages[0].content[0].text as string;
    const sent = JSON.parse(text.slice(text.indexOf("<snapshot>") + "<snapshot>".length, text.indexOf("</snapshot>")));
    expect(sent.evidence.map((e: any) => e.symbol).sort()).toEqual([...SYMBOLS].sort());
    for (const e of sent.evidence) {
      const vote = votes.find((v: any) => v.symbol === e.symbol);
      expect(e.agents).toEqual(
        Object.fromEntries(
          JSON.parse(vote.scores_json)
            .filter((x: any) => x.active)
            .map((x: any) => [x.agent, Math.round(x.score * 1000) / 1000]),
        ),
      );
      expect(e.signals.map((g: any) => g.strategy).sort()).toEqual(
        signals
          .filter((g: any) => g.symbol === e.symbol)
          .map((g: any) => g.strategy)
          .sort(),
      );
      expect(e.synthesis.score).toBeCloseTo(vote.score, 3);
    }
    expect(JSON.parse(row.snapshot_json).evidence).toEqual(sent.evidence);

    // A second decision reads the cached prefix and sees the memory the first one wrote.
    const second = await decideNow(gate, "c1");
    expect(second.cache_read_tokens).toBeGreaterThan(0);
    expect(JSON.parse(second.snapshot_json).memory.value).toBe(JSON.parse(row.decision_json).memory_update);
    const usage = await gate.llmStatus();
    expect(usage.today.calls).toBe(2);
    expect(usage.today.costUsd).toBeCloseTo(row.cost_usd + second.cost_usd, 12);

    // Fills, then a review 3 minutes later: the 5-signal evaluator, never a Claude call per position.
    await advanceLive(session, 5, "v1");
    for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 4 * MIN, 30_000, "v1");
    const review = await waitFor(async () => env.DB.prepare("SELECT * FROM decisions WHERE kind = 'review' AND portfolio = 'c1'").first<any>(), "a position review");
    expect(review.decider).toBe("rule:5-signal");
    expect(review.cost_usd).toBe(0);
    expect(["HOLD", "EXIT", "ADD"]).toContain(JSON.parse(review.decision_json).action);
    const tools = ((await llmControl("requests")) as { body: any }[]).map((r) => r.body.tool_choice.name);
    expect(tools.every((t) => t === "submit_decision")).toBe(true);
  }, 90_000);

  it("three open positions over a replayed day keep the entry decisions on Claude with the default budget", async () => {
    // Closing frames only (no partial ticks): a day of minutes replays in half the time, and reviews run on the closes.
    const session = await createSession({ start: START, partials: 0 });
    const { gate, account } = await startPortfolio({ portfolio: "c12", venue: "v12", session, symbols: SYMBOLS, decider: "claude" });
    const buyAll = { ...HOLD_ALL, decisions: SYMBOLS.map((ticker) => ({ ticker, action: "BUY", position_pct: 0.2, confidence: 0.8, reasoning: "test entry", signal_weights: {} })) };
    // Claude buys all three, then holds for the rest of the day.
    await llmControl("script", { responses: [buyAll, ...Array.from({ length: 40 }, () => HOLD_ALL)] });
    await decideNow(gate, "c12");
    await advanceLive(session, 2, "v12");
    await waitFor(async () => (await account.summary()).positions.filter((p) => p.status === "open").length === 3, "three positions open");
    // A day of minutes: the positions are reviewed by the evaluator (every 3 minutes of engine time at most; the fast
    // replay runs fewer, one per review alarm).
    await advanceLive(session, 1440, "v12");
    for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 1441 * MIN, 180_000, "v12");
    await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
    const reviews = await env.DB.prepare("SELECT COUNT(*) AS n, SUM(cost_usd) AS cost, COUNT(DISTINCT decider) AS deciders FROM decisions WHERE kind = 'review' AND portfolio = 'c12'").first<{
      n: number;
      cost: number;
      deciders: number;
    }>();
    expect(reviews!.n).toBeGreaterThan(3 * 30);
    expect(reviews).toMatchObject({ cost: 0, deciders: 1 });
    // Every decision's row reaches D1 (the outbox drains after the decision ends).
    const made = (await gate.status()).decisions;
    const decisions = await waitFor(async () => {
      const r = (await env.DB.prepare("SELECT id, decider, trigger_layer, status FROM decisions WHERE kind = 'decision' AND portfolio = 'c12' AND status = 'executed' ORDER BY at").all<any>()).results;
      return r.length === made ? r : null;
    }, "every decision recorded");
    // The 4h closes of the day at least, each decided by Claude: no fallback to the rules for lack of budget.
    expect(decisions.length).toBeGreaterThanOrEqual(6);
    expect(decisions.filter((d) => !d.decider.startsWith("claude:"))).toEqual([]);
    const llm = await gate.llmStatus();
    expect(llm.today.calls, JSON.stringify(decisions.map((d) => [d.id, d.trigger_layer]))).toBe(decisions.length);
    expect(llm.today.calls).toBeLessThanOrEqual(12);
    expect(llm.today.costUsd).toBeLessThan(llm.dailyBudgetUsd / 2);
  }, 300_000);

  it("every fault mode ends in no order, a recorded reason and a breaker count", async () => {
    const session = await createSession({ start: START });
    // Two calls a fault mode, 24 in all: past the default 12 a day, which would hand the rest to the rules.
    const { gate, account } = await startPortfolio({ portfolio: "c2", venue: "v2", session, symbols: SYMBOLS, decider: "claude", maxCallsPerDay: 100 });
    const faults: [string, RegExp][] = [
      ["timeout", /^timeout/],
      ["overloaded", /^HTTP 529/],
      ["server_error", /^HTTP 500/],
      ["invalid_json", /JSON/],
      ["prose", /no submit_decision tool call \(answer was text/],
      ["text_only_json", /no submit_decision tool call/],
      ["out_of_range", /invalid submit_decision input: decisions\.\d\.(position_pct|confidence|action)/],
      ["unknown_ticker", /decision for unknown ticker|decisions\.\d+\.ticker: /],
      ["missing_fields", /invalid submit_decision input: decisions/],
      ["wrong_tool", /called tool (?!submit_decision)\w+, expected submit_decision/],
      ["empty_content", /no submit_decision tool call \(answer was empty\)/],
      ["max_tokens", /cut off at max_tokens/],
    ];
    for (const [mode, reason] of faults) {
      await llmControl("mode", { mode, count: 1 });
      const row = await decideNow(gate, "c2", mode);
      expect(row.status, mode).toBe("failed");
      expect(row.error, mode).toMatch(reason);
      expect(row.outcome_json, mode).toBeNull();
      expect((await account.summary()).positions, mode).toEqual([]);
      expect((await gate.llmStatus()).breaker, mode).toMatchObject({ state: "closed", consecutiveFailures: 1 });
      // A good answer resets the count.
      await llmControl("script", { responses: [HOLD_ALL] });
      expect((await decideNow(gate, "c2", "reset")).status).toBe("executed");
      expect((await gate.llmStatus()).breaker.consecutiveFailures).toBe(0);
    }
    const status = await gate.llmStatus();
    expect(status.today.failures).toBe(faults.length);
  }, 120_000);

  it("hostile answers (injected instructions, BUY 100%) are clamped to the limits", async () => {
    const session = await createSession({ start: START });
    const { gate, account } = await startPortfolio({ portfolio: "c6", venue: "v6", session, symbols: SYMBOLS, decider: "claude" });
    await llmControl("mode", { mode: "injection", count: 1 });
    const row = await decideNow(gate, "c6");
    expect(row.status).toBe("executed");
    const summary = await account.summary();
    for (const p of summary.positions) expect(p.notional).toBeLessThanOrEqual(0.3 * 10_000 + 1e-6);
    expect(summary.positions.reduce((a, p) => a + p.notional, 0)).toBeLessThanOrEqual(0.7 * 10_000 + 1e-6);
    expect(JSON.parse(row.clamps_json).join(" ")).toMatch(/position_pct 1 → 0.3/);
  }, 60_000);

  it("the breaker opens after 3 failures, the rule pipeline decides, a trial after the cooldown closes it", async () => {
    const session = await createSession({ start: START });
    const { gate } = await startPortfolio({ portfolio: "c3", venue: "v3", session, symbols: SYMBOLS, decider: "claude" });
    await llmControl("mode", { mode: "overloaded", count: 3 });
    for (let i = 0; i < 3; i++) expect((await decideNow(gate, "c3")).status).toBe("failed");
    expect((await gate.llmStatus()).breaker).toMatchObject({ state: "open", consecutiveFailures: 3 });
    const calls = await requests();
    const ruled = await decideNow(gate, "c3");
    expect(ruled).toMatchObject({ status: "executed", decider: "rule:synthesizer" });
    expect(JSON.parse(ruled.clamps_json)[0]).toMatch(/^note: Claude not called \(breaker open for another \d+ s/);
    expect(await requests()).toBe(calls);

    // 15 minutes later (moved back in storage: the breaker runs on the wall clock): one trial call.
    const age = async () =>
      runInDurableObject(gate, (_i, state) => {
        const b = state.storage.kv.get<{ openedAt: number }>("llm:breaker")!;
        state.storage.kv.put("llm:breaker", { ...b, openedAt: b.openedAt - 900_001 });
      });
    await age();
    await llmControl("mode", { mode: "server_error", count: 1 });
    expect((await decideNow(gate, "c3")).status).toBe("failed");
    expect((await gate.llmStatus()).breaker).toMatchObject({ state: "open", consecutiveFailures: 4 });
    expect(await requests()).toBe(calls + 1);
    await age();
    const trial = await decideNow(gate, "c3");
    expect(trial).toMatchObject({ status: "executed", decider: "claude:claude-sonnet-4-6" });
    expect((await gate.llmStatus()).breaker).toMatchObject({ state: "closed", consecutiveFailures: 0 });
  }, 60_000);

  it("a spent daily budget switches to the rule pipeline with a risk alert", async () => {
    const session = await createSession({ start: START });
    const { gate } = await startPortfolio({ portfolio: "c4", venue: "v4", session, symbols: SYMBOLS, decider: "claude" });
    const spent = await decideNow(gate, "c4");
    expect(spent.cost_usd).toBeGreaterThan(0);
    // The rest of today's budget is spent (seeded: what earlier calls today would have cost).
    await runInDurableObject(gate, (_i, state) => {
      const days = state.storage.kv.get<{ costUsd: number }[]>("llm:days")!;
      state.storage.kv.put("llm:days", [{ ...days[0]!, costUsd: 5 }, ...days.slice(1)]);
    });
    const stream = await env.STREAM.getByName("stream:c4").fetch("http://stream/ws", { headers: { Upgrade: "websocket" } });
    const ws = stream.webSocket!;
    ws.accept();
    const events: { type: string; data: any }[] = [];
    ws.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
    const calls = await requests();
    const row = await decideNow(gate, "c4");
    expect(row).toMatchObject({ status: "executed", decider: "rule:synthesizer" });
    expect(await requests()).toBe(calls);
    await waitFor(async () => events.some((e) => e.type === "risk.alert"), "risk.alert");
    expect(events.find((e) => e.type === "risk.alert")!.data).toMatchObject({ source: "llm", reason: expect.stringMatching(/^daily LLM budget spent: 5\.0000 of 5 USD/) });
    ws.close();
  }, 60_000);

  it("a decision interrupted after Claude answered resumes with the same answer: one call, the same orders", async () => {
    const session = await createSession({ start: START });
    const { gate, account } = await startPortfolio({ portfolio: "c9", venue: "v9", session, symbols: SYMBOLS, decider: "claude" });
    await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
    // The first run stops dead after Claude answered, while the orders go out (a crash or deploy there).
    await runInDurableObject(gate, (instance, state) => {
      (instance as unknown as { decisions: { execute: () => Promise<never> } }).decisions.execute = () => {
        state.storage.kv.put("test:executing", true);
        return new Promise<never>(() => {});
      };
    });
    expect((await gate.wake("interrupted")).open).toBe(true);
    await waitFor(async () => runInDurableObject(gate, (_i, state) => state.storage.kv.get("test:executing") === true), "execution under way");
    expect(await requests()).toBe(1);
    // The object is reset with its run still hanging, as a crash would; its storage stays.
    await runInDurableObject(gate, (_i, state) => state.abort("crash while executing")).catch(() => undefined);
    const restarted = env.GATE.getByName("gate:c9");
    await waitFor(async () => (await restarted.status()).configured, "gate restarted from storage");
    await runDurableObjectAlarm(restarted);
    const row = await decisionRow("c9-d1");
    expect(row.status).toBe("executed");
    expect(await requests()).toBe(1);
    const buys = (JSON.parse(row.outcome_json) as { ticker: string; action: string; accepted: boolean }[]).filter((o) => o.action === "BUY");
    expect(buys.length).toBeGreaterThan(0);
    expect((await account.summary()).positions.map((p) => p.symbol).sort()).toEqual(buys.map((o) => o.ticker).sort());
  }, 60_000);

  it("a decision the watchdog abandons while its events go out places no order", async () => {
    const session = await createSession({ start: START });
    const { gate, account } = await startPortfolio({ portfolio: "c10", venue: "v10", session, symbols: SYMBOLS, decider: "claude" });
    await waitFor(async () => (await gate.status()).state.inFlight === null, "gate free");
    // The stream call for `decision.made` hangs until the test lets it go (a slow stream).
    await runInDurableObject(gate, (instance, state) => {
      const host = (instance as unknown as { decisions: { host: { emit: (...a: unknown[]) => Promise<void> } } }).decisions.host;
      const emit = host.emit;
      host.emit = async (...a: unknown[]) => {
        if (a[1] === "decision.made") {
          state.storage.kv.put("test:held", true);
          while (state.storage.kv.get("test:release") !== true) await new Promise((r) => setTimeout(r, 20));
        }
        return emit(...a);
      };
    });
    expect((await gate.wake("abandoned")).open).toBe(true);
    await waitFor(async () => runInDurableObject(gate, (_i, state) => state.storage.kv.get("test:held") === true), "decision.made held");
    // The watchdog finds the decision older than gate.inFlightTimeoutMs and abandons it; then the stream answers.
    await runInDurableObject(gate, async (instance, state) => {
      (instance as unknown as { decisions: { inFlightWall: number } }).decisions.inFlightWall = 0;
      await (instance as unknown as { watchdog: () => Promise<void> }).watchdog();
      state.storage.kv.put("test:release", true);
    });
    // Whatever the run does next, it has done it once its row is in D1 and a moment has passed.
    const row = () => env.DB.prepare("SELECT status, decision_json FROM decisions WHERE id = 'c10-d1'").first<{ status: string; decision_json: string }>();
    await waitFor(row, "decision c10-d1 logged");
    await new Promise((r) => setTimeout(r, 1_000));
    const logged = (await row())!;
    expect((JSON.parse(logged.decision_json) as { decisions: { action: string }[] }).decisions.some((d) => d.action === "BUY")).toBe(true);
    expect(logged.status).toBe("decided");
    expect((await account.summary()).positions.filter((p) => p.id.startsWith("c10-d1-"))).toEqual([]);
  }, 60_000);

  it("a wake condition set by a decision survives eviction and fires when its price is crossed", async () => {
    const session = await createSession({ start: START, symbols: ["BTCUSDT"] });
    const { gate } = await startPortfolio({ portfolio: "c5", venue: "v5", session, symbols: ["BTC/USDT"], decider: "claude" });
    const quote = await env.TICKER.getByName("ticker:v5:BTCUSDT").quote();
    // The next 30 minutes of shipped BTC data go above and below this level.
    const klines = (await (await fetch(`${session.restBase}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${Date.parse(START)}&limit=30`)).json()) as string[][];
    const low = Math.min(...klines.map((k) => Number(k[3])));
    const threshold = Math.round(((quote.price! + low) / 2) * 100) / 100;
    await llmControl("script", {
      responses: [{ ...HOLD_ALL, next_check_seconds: 14_400, wake_conditions: [{ symbol: "BTC/USDT", metric: "price", operator: "lt", threshold, reason: "support test" }] }],
    });
    await decideNow(gate, "c5");
    expect((await gate.status()).state.wakeConditions).toMatchObject([{ symbol: "BTC/USDT", operator: "lt", threshold, reason: "support test" }]);
    await evictDurableObject(gate);
    expect((await gate.status()).state.wakeConditions).toHaveLength(1);
    await llmControl("script", { responses: [HOLD_ALL] });
    for (let m = 1; m <= 30; m++) {
      await advance(session, 1);
      await untilMinute("BTC/USDT", Date.parse(START) + (m - 1) * MIN, 30_000, "v5");
      if ((await gate.status()).recent.some((r) => r.layer === "wake_condition" && r.open)) break;
    }
    const fired = (await gate.status()).recent.find((r) => r.layer === "wake_condition" && r.open);
    expect(fired?.reason).toMatch(new RegExp(`wake condition BTC/USDT price lt ${threshold} \\(now [0-9.]+\\): support test`));
    expect((await gate.status()).state.wakeConditions.filter((w) => w.reason === "support test")).toEqual([]);
  }, 90_000);

  it("replaying a recorded session produces the same orders without calling any model", async () => {
    const run = async (portfolio: string, venue: string, decider: "claude" | "replay", session: SimSession) => {
      const { gate, account } = await startPortfolio({ portfolio, venue, session, symbols: SYMBOLS, decider });
      await decideNow(gate, portfolio, "first look");
      // The entries fill at the next price their tickers send: advance only once every new position is watching.
      await waitFor(async () => {
        const positions = (await account.summary()).positions;
        for (const p of positions) {
          const st = await env.POSITION.getByName(`position:${portfolio}:${p.id}`).status();
          if (!st) return false;
          if ((await tickerStub(p.symbol, venue).status()).watchers < positions.filter((q) => q.symbol === p.symbol).length) return false;
        }
        return true;
      }, `${portfolio} positions watching`);
      await advanceLive(session, 3, venue);
      for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 2 * MIN, 30_000, venue);
      await decideNow(gate, portfolio, "second look");
      await advanceLive(session, 2, venue);
      for (const s of SYMBOLS) await untilMinute(s, Date.parse(START) + 4 * MIN, 30_000, venue);
      await waitFor(async () => (await gate.status()).state.inFlight === null, "quiet");
      return waitFor(async () => {
        const rows = (
          await env.DB.prepare("SELECT id, symbol, side, purpose, status, quote_qty, qty, fill_price, filled_qty, fee FROM orders WHERE portfolio = ? ORDER BY id").bind(portfolio).all<any>()
        ).results;
        return rows.length > 0 && rows.every((r) => r.status === "filled") ? rows : null;
      }, `${portfolio} orders filled`);
    };
    const recorded = await run("rec", "rv1", "claude", await createSession({ start: START }));
    const calls = await requests();
    expect(calls).toBeGreaterThanOrEqual(2);
    const replayed = await run("rep", "rv2", "replay", await createSession({ start: START }));
    expect(await requests()).toBe(calls);
    // The same orders: ids, sides, purposes, sizes, all filled. The paper fill price is the first price the feed
    // delivers after the order, which depends on when a replaced socket's backfill lands (the manual replay replaces
    // silent sockets every 2 s), not on the decision: each is a price of the replayed minutes, checked apart.
    const strip = (rows: any[]) => rows.map(({ id, fill_price: _p, filled_qty: _q, fee: _f, ...r }) => ({ ...r, id: id.replace(/^re[cp]-/, "") }));
    expect(strip(replayed)).toEqual(strip(recorded));
    for (const [a, b] of recorded.map((r: any, i: number) => [r, replayed[i]])) {
      expect(Math.abs(b.fill_price / a.fill_price - 1), `${b.id} fill ${b.fill_price} against ${a.fill_price}`).toBeLessThan(0.01);
      expect(b.fee).toBeCloseTo(b.filled_qty * b.fill_price * 0.001, 9);
    }
    const deciders = (await env.DB.prepare("SELECT DISTINCT decider FROM decisions WHERE portfolio = 'rep' AND kind = 'decision'").all<{ decider: string }>()).results.map((r) => r.decider);
    expect(deciders).toEqual(["replay"]);
  }, 120_000);

  it("two portfolios on the same feeds ask Claude each with its own prompt version, logged per decision and compared side by side", async () => {
    const session = await createSession({ start: START });
    const champion = await startPortfolio({ portfolio: "cp1", venue: "v10", session, symbols: SYMBOLS, decider: "claude" });
    const challenger = await startPortfolio({ portfolio: "cp2", venue: "v10", session, symbols: SYMBOLS, decider: "claude", promptVersion: CHALLENGER_PROMPT_VERSION });
    for (const s of SYMBOLS) expect((await tickerStub(s, "v10").status()).subscribers).toEqual(["cp1", "cp2"]);
    const a = await decideNow(champion.gate, "cp1");
    const b = await decideNow(challenger.gate, "cp2");
    expect(a).toMatchObject({ status: "executed", decider: "claude:claude-sonnet-4-6", prompt_version: PROMPT_VERSION });
    expect(b).toMatchObject({ status: "executed", decider: "claude:claude-sonnet-4-6", prompt_version: CHALLENGER_PROMPT_VERSION });
    // Each request carried its version's system prompt (the cached prefix) and the same kind of snapshot.
    const sent = (await llmControl("requests")) as { body: any }[];
    expect(sent.map((r) => r.body.system[0].text)).toEqual([SYSTEM_PROMPT, systemPromptOf(CHALLENGER_PROMPT_VERSION)]);
    // Each gate governs its own calls and spend.
    for (const g of [champion.gate, challenger.gate]) expect((await g.llmStatus()).today.calls).toBe(1);
    const compared = (await (await api("/api/portfolios")).json()) as { portfolios: { name: string; settings: { promptVersion: string }; figures: { claudeCalls: number; costUsd: number } }[] };
    const mine = compared.portfolios.filter((p) => p.name === "cp1" || p.name === "cp2");
    expect(mine.map((p) => [p.name, p.settings.promptVersion, p.figures.claudeCalls])).toEqual([
      ["cp1", PROMPT_VERSION, 1],
      ["cp2", CHALLENGER_PROMPT_VERSION, 1],
    ]);
    for (const p of mine) expect(p.figures.costUsd).toBeGreaterThan(0);
  }, 60_000);
});
