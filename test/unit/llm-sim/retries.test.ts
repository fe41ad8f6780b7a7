import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { client, decisionRequest, rejection, snapshot, toolInput } from "./helpers";

/**
 * The SDK retries 408/409/429/5xx and connection timeouts itself (`maxRetries`, default 2, backoff ~0.5 s then
 * ~1 s). The engine uses `maxRetries: 0`; these show what a retrying client meets.
 */
let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim();
});
afterAll(() => sim.close());

const SNAP = snapshot([{ symbol: "BTC/USDT", price: 100_000, rsi: 35 }]);
const attempts = (s: ReturnType<LlmSim["createSession"]>) => s.requests().map((r) => [r.retryCount, r.status]);

describe("SDK retries against count-limited faults", { timeout: 15_000 }, () => {
  it("two 529s are retried and the third attempt gets the policy answer", async () => {
    const s = sim.createSession();
    s.setMode("overloaded", 2);
    const m = await client(s, { maxRetries: 2 }).messages.create(decisionRequest(SNAP));
    expect(toolInput(m).decisions[0].action).toBe("BUY");
    expect(attempts(s)).toEqual([
      [0, 529],
      [1, 529],
      [2, 200],
    ]);
  });

  it("a 500 is retried too, and only the successful attempt is billed usage", async () => {
    const s = sim.createSession();
    s.setMode("server_error", 1);
    const m = await client(s, { maxRetries: 2 }).messages.create(decisionRequest(SNAP));
    expect(m.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(s.requests().map((r) => r.usage === null)).toEqual([true, false]);
  });

  it("when the fault outlasts the retries the SDK surfaces the last 529", async () => {
    const s = sim.createSession();
    s.setMode("overloaded", 3);
    const e = await rejection(client(s, { maxRetries: 2 }).messages.create(decisionRequest(SNAP)));
    expect(e).toBeInstanceOf(Anthropic.APIError);
    expect(e.status).toBe(529);
    expect(e.requestID).toBe("req_sim_000003");
    expect(s.state().mode).toBe("policy");
  });

  it("with maxRetries 0 (the engine's setting) a single 529 fails the call after one attempt", async () => {
    const s = sim.createSession();
    s.setMode("overloaded", 1);
    const e = await rejection(client(s, { maxRetries: 0 }).messages.create(decisionRequest(SNAP)));
    expect(e.status).toBe(529);
    expect(attempts(s)).toEqual([[0, 529]]);
  });

  it("a timed-out attempt is retried on a new connection and answered", async () => {
    const s = sim.createSession();
    s.setMode("timeout", 1);
    const m = await client(s, { maxRetries: 1, timeout: 300 }).messages.create(decisionRequest(SNAP));
    expect(m.stop_reason).toBe("tool_use");
    expect(attempts(s)).toEqual([
      [0, null],
      [1, 200],
    ]);
  });

  it("a 400 is never retried", async () => {
    const s = sim.createSession();
    await rejection(client(s, { maxRetries: 2 }).messages.create({ ...decisionRequest(SNAP), max_tokens: 0 }));
    expect(attempts(s)).toEqual([[0, 400]]);
  });
});
