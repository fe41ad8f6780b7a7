import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadEngineConfig } from "../../src/actors/config";
import { claudeDecider, parseRecording, replayDecider } from "../../src/adapters/llm/backtest-deciders";
import { ClaudeClient } from "../../src/adapters/llm/claude-client";
import { llmControl } from "../workers/support";
import { backtestDay, backtestOutcome, liveLearner, liveOutcome, replayDay, startDay, type Outcome } from "./day";

/** Who decided, as both interpreters name a model's answer: the gate names the model, a replay names the recording. */
const byModel = (o: Outcome): Outcome => ({ ...o, decisions: o.decisions.map((d) => ({ ...d, decider: /^(claude:|replay$)/.test(d.decider) ? "model" : d.decider })) });

// The two days run side by side (each its own portfolio, venue and simulator session): most of a replay's time is
// the actors' round trips, so two overlap in one test worker.
describe.concurrent("one core, two interpreters: a replayed day through the actors in workerd and through the backtester", () => {
  it("the rule pipeline decides, fills, trades and learns the same through the actors in workerd and through the backtester", async () => {
    const world = await startDay({ portfolio: "par", venue: "parv", decider: "rule" });
    const result = await backtestDay(world);
    await replayDay(world, new Set(result.decisions.map((d) => d.at)));

    const live = await liveOutcome(world.portfolio);
    const bt = backtestOutcome(result);
    // The day has what the parity is about: entries, decisions woken by a review, and safety exits (time stops).
    expect(bt.fills.filter((f) => f.side === "buy").length).toBeGreaterThanOrEqual(4);
    expect(bt.decisions.some((d) => d.layer === "review")).toBe(true);
    expect(bt.trades.filter((t) => t.exitKind === "time_stop").length).toBeGreaterThanOrEqual(1);
    expect(live.decisions).toEqual(bt.decisions);
    expect(live.fills).toEqual(bt.fills);
    expect(live.trades).toEqual(bt.trades);
    expect(await liveLearner(world.portfolio)).toEqual(result.learner);
  }, 300_000);

  it("a recorded Claude session: the day Claude decided through the actors, replayed through the backtester from its log, decides, fills, trades and learns the same", async () => {
    await llmControl("reset", {});
    const llm = { maxCallsPerDay: 1_000, dailyBudgetUsd: 1_000 };
    const world = await startDay({ portfolio: "pcl", venue: "pclv", decider: "claude", ...llm });
    // Where the decisions fall: the day through the backtester asking the same local Messages API through the SDK.
    const cfg = loadEngineConfig(env);
    const client = new ClaudeClient({ apiKey: env.ANTHROPIC_API_KEY!, baseURL: env.ANTHROPIC_BASE_URL, timeoutMs: cfg.llm.timeoutMs });
    const asked = await backtestDay(world, { llm, decider: claudeDecider(client, { ...cfg.llm, ...llm }) });
    await replayDay(world, new Set(asked.decisions.map((d) => d.at)));

    // The session as the gate logged it: every answer by its snapshot's hash, replayed (a snapshot the backtester built
    // differently would find no answer and fail its decision).
    const logged = (await env.DB.prepare("SELECT snapshot_hash, decision_json FROM decisions WHERE portfolio = ? AND kind = 'decision' ORDER BY at, id").bind(world.portfolio).all<any>()).results;
    const recording = parseRecording({ decisions: logged.map((r) => ({ snapshot_hash: r.snapshot_hash, decision: r.decision_json ? JSON.parse(r.decision_json) : null })) });
    const replayed = await backtestDay(world, { llm, decider: replayDecider(recording) });

    const live = await liveOutcome(world.portfolio);
    const bt = backtestOutcome(replayed);
    expect(live.decisions.filter((d) => d.decider.startsWith("claude:")).length).toBe(live.decisions.length);
    // Every snapshot the backtester built hashed as the gate's did: each found its logged answer.
    expect(replayed.decisions.filter((d) => d.failure !== null)).toEqual([]);
    expect(replayed.decisions).toHaveLength(live.decisions.length);
    expect(bt.fills.filter((f) => f.side === "buy").length).toBeGreaterThanOrEqual(1);
    expect(byModel(live).decisions).toEqual(byModel(bt).decisions);
    expect(live.fills).toEqual(bt.fills);
    expect(live.trades).toEqual(bt.trades);
    expect(await liveLearner(world.portfolio)).toEqual(replayed.learner);
  }, 300_000);
});
