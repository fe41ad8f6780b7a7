import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeDecider, replayDecider, type Recording } from "../../../src/adapters/llm/backtest-deciders";
import { ClaudeClient } from "../../../src/adapters/llm/claude-client";
import { runBacktest } from "../../../src/lib/backtest/engine";
import { costUsd } from "../../../src/lib/decide/cost";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { shippedInput } from "./fixtures";

let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim({ port: 0 });
});
afterAll(() => sim.close());

const input = () => {
  const i = shippedInput("4h", Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1), { gate: { decisionTimeframe: "4h" }, regime: { hmm: false }, quant: { enabled: false } });
  return { ...i, candles: { "BTC/USDT": i.candles["BTC/USDT"]!, "ETH/USDT": i.candles["ETH/USDT"]! } };
};

describe("Claude as a backtest's decider (the SDK against the local Messages API)", () => {
  it("decides through the SDK, accounts every call's cost, and replays the recorded run identically for free", { timeout: 120_000 }, async () => {
    const session = sim.createSession();
    const base = input();
    const client = new ClaudeClient({ apiKey: "local", baseURL: session.baseURL, timeoutMs: 10_000 });
    const recording: Recording = new Map();
    const live = await runBacktest({ ...base, external: claudeDecider(client, base.config.llm, recording) });
    expect(live.trades.length + live.fills.length).toBeGreaterThan(0);
    expect(live.decisions.every((d) => d.decider === `claude:${base.config.llm.model}`)).toBe(true);
    // The cost is the configured price of the usage each answer reported.
    const calls = session.requests();
    expect(calls.length).toBe(live.decisions.length);
    const price = base.config.llm.prices[base.config.llm.model]!;
    const expected = calls.reduce((s, c) => s + costUsd(c.usage!, price), 0);
    expect(live.llmCostUsd).toBeGreaterThan(0);
    expect(live.llmCostUsd).toBeCloseTo(expected, 12);

    const replayed = await runBacktest({ ...base, external: replayDecider(recording) });
    expect(replayed.llmCostUsd).toBe(0);
    expect(session.requests().length).toBe(calls.length);
    expect(replayed.trades).toEqual(live.trades);
    expect(replayed.fills).toEqual(live.fills);
    expect(replayed.decisions.map((d) => d.actions)).toEqual(live.decisions.map((d) => d.actions));
  });

  it("treats a snapshot with no recorded answer as a failed decision: no orders", { timeout: 60_000 }, async () => {
    const r = await runBacktest({ ...input(), external: replayDecider(new Map()) });
    expect(r.decisions.length).toBeGreaterThan(10);
    expect(r.decisions.every((d) => d.failure?.startsWith("no recorded decision for snapshot"))).toBe(true);
    expect(r.fills).toEqual([]);
  });
});
