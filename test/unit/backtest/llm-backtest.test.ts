import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeDecider, replayDecider, snapshotHash, type Recording } from "../../../src/adapters/llm/backtest-deciders";
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
    const live = await runBacktest({ ...base, decider: claudeDecider(client, base.config.llm, recording) });
    expect(live.trades.length + live.fills.length).toBeGreaterThan(0);
    expect(live.decisions.every((d) => d.decider === `claude:${base.config.llm.model}`)).toBe(true);
    // The cost is the configured price of the usage each answer reported.
    const calls = session.requests();
    expect(calls.length).toBe(live.decisions.length);
    const price = base.config.llm.prices[base.config.llm.model]!;
    const expected = calls.reduce((s, c) => s + costUsd(c.usage!, price), 0);
    expect(live.llmCostUsd).toBeGreaterThan(0);
    expect(live.llmCostUsd).toBeCloseTo(expected, 12);

    const replayed = await runBacktest({ ...base, decider: replayDecider(recording) });
    expect(replayed.llmCostUsd).toBe(0);
    expect(session.requests().length).toBe(calls.length);
    expect(replayed.trades).toEqual(live.trades);
    expect(replayed.fills).toEqual(live.fills);
    expect(replayed.decisions.map((d) => d.actions)).toEqual(live.decisions.map((d) => d.actions));
  });

  it("holds the model to the governor's day: past the call cap the rules decide, with the reason", { timeout: 60_000 }, async () => {
    const base = input();
    const config = { ...base.config, llm: { ...base.config.llm, maxCallsPerDay: 2 } };
    let calls = 0;
    const r = await runBacktest({
      ...base,
      config,
      decider: {
        mode: "claude",
        hash: snapshotHash,
        ask: async () => {
          calls++;
          return {
            decision: { decisions: [], market_assessment: "hold", next_check_seconds: 14_400, wake_conditions: [], memory_update: null },
            failure: null,
            raw: null,
            usage: { input_tokens: 100, output_tokens: 10 },
            latencyMs: 1,
          };
        },
      },
    });
    const byDay = new Map<number, { called: number; refused: number }>();
    for (const d of r.decisions) {
      const day = d.at - (d.at % 86_400_000);
      const e = byDay.get(day) ?? { called: 0, refused: 0 };
      if (d.llmCalled) e.called++;
      if (d.note) e.refused++;
      byDay.set(day, e);
    }
    // Six 4h closes a day: two go to the model, four to the rules, each saying why.
    expect([...byDay.values()].every((e) => e.called <= 2)).toBe(true);
    expect([...byDay.values()].some((e) => e.refused > 0)).toBe(true);
    expect(calls).toBe(r.decisions.filter((d) => d.llmCalled).length);
    const refused = r.decisions.find((d) => d.note)!;
    expect(refused.note).toBe("Claude not called (daily Claude call cap reached: 2 of 2 calls today): rule pipeline decides");
    expect(refused.decider).toMatch(/^rule:/);
  });

  it("treats a snapshot with no recorded answer as a failed decision: no orders", { timeout: 60_000 }, async () => {
    const r = await runBacktest({ ...input(), decider: replayDecider(new Map()) });
    expect(r.decisions.length).toBeGreaterThan(10);
    expect(r.decisions.every((d) => d.failure?.startsWith("no recorded decision for snapshot"))).toBe(true);
    expect(r.fills).toEqual([]);
  });
});
