import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { client, decisionRequest, getJson, postJson, review, reviewRequest, snapshot, toolInput } from "./helpers";

let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim();
});
afterAll(() => sim.close());

const SNAP = snapshot([{ symbol: "BTC/USDT", price: 100_000, rsi: 35 }]);
const SCRIPTED = {
  decisions: [{ ticker: "BTC/USDT", action: "HOLD", position_pct: 0, confidence: 0.9, reasoning: "scripted", signal_weights: {} }],
  market_assessment: "scripted",
  next_check_seconds: 600,
  wake_conditions: [],
  memory_update: null,
};

describe("sessions and control endpoints", () => {
  it("POST /sim/sessions creates a session whose baseURL the SDK can use directly", async () => {
    const r = await postJson(`${sim.url}/sim/sessions`, { id: "bot-a" });
    expect(r).toEqual({ status: 200, body: { id: "bot-a", baseURL: `${sim.url}/s/bot-a` } });
    const m = await client(sim.session("bot-a")!).messages.create(decisionRequest(SNAP));
    expect(toolInput(m).decisions[0].action).toBe("BUY");
    expect(sim.session("bot-a")!.requests()).toHaveLength(1);
  });

  it("refuses a duplicate or malformed session id with 400 and a reason", async () => {
    await postJson(`${sim.url}/sim/sessions`, { id: "dup" });
    const dup = await postJson(`${sim.url}/sim/sessions`, { id: "dup" });
    const bad = await postJson(`${sim.url}/sim/sessions`, { id: "has space" });
    expect([dup.status, bad.status]).toEqual([400, 400]);
    expect(dup.body.error).toContain("already exists");
    expect(bad.body.error).toContain("id must be");
  });

  it("the root /v1/messages is the default session", async () => {
    const def = sim.session("default")!;
    expect(def.baseURL).toBe(sim.url);
    const before = def.requests().length;
    await client(def).messages.create(decisionRequest(SNAP));
    expect(def.requests()).toHaveLength(before + 1);
  });

  it("sessions are isolated: modes, scripts and logs of one never touch another", async () => {
    const a = sim.createSession();
    const b = sim.createSession();
    await postJson(`${a.baseURL}/sim/mode`, { mode: "overloaded" });
    await postJson(`${a.baseURL}/sim/script`, { responses: [SCRIPTED] });
    const m = await client(b).messages.create(decisionRequest(SNAP));
    expect(toolInput(m).decisions[0].action).toBe("BUY");
    expect(m.id).toBe("msg_sim_000001");
    expect(a.requests()).toHaveLength(0);
    expect(a.state()).toMatchObject({ mode: "overloaded", scripted: 1 });
  });

  it("scripted inputs are returned exactly, in order, as the forced tool's tool_use, then the policy resumes", async () => {
    const s = sim.createSession();
    const evaluation = { action: "ADD", confidence: 0.9, reasoning: "scripted add" };
    const r = await postJson(`${s.baseURL}/sim/script`, { responses: [SCRIPTED, evaluation] });
    expect(r.body.scripted).toBe(2);
    const api = client(s);
    const first = await api.messages.create(decisionRequest(SNAP));
    const second = await api.messages.create(reviewRequest(review({ pnlPct: 0, rsi: 50 })));
    const third = await api.messages.create(decisionRequest(SNAP));
    expect(toolInput(first)).toEqual(SCRIPTED);
    expect(second.content[0]).toMatchObject({ type: "tool_use", name: "submit_position_evaluation", input: evaluation });
    expect(toolInput(third).decisions[0].action).toBe("BUY");
    expect(s.requests().map((x) => x.scripted)).toEqual([true, true, false]);
  });

  it("a fault mode wins over a queued script, which then answers the next policy call", async () => {
    const s = sim.createSession();
    s.script([SCRIPTED]);
    s.setMode("empty_content", 1);
    const api = client(s);
    const faulty = await api.messages.create(decisionRequest(SNAP));
    const next = await api.messages.create(decisionRequest(SNAP));
    expect(faulty.content).toEqual([]);
    expect(toolInput(next)).toEqual(SCRIPTED);
  });

  it("rejects a script that is not a non-empty list of objects", async () => {
    const s = sim.createSession();
    const empty = await postJson(`${s.baseURL}/sim/script`, { responses: [] });
    const notObjects = await postJson(`${s.baseURL}/sim/script`, { responses: ["BUY"] });
    const notJson = await fetch(`${s.baseURL}/sim/script`, { method: "POST", body: "{responses" });
    expect([empty.status, notObjects.status, notJson.status]).toEqual([400, 400, 400]);
    expect(notObjects.body.error).toContain("responses");
    expect(((await notJson.json()) as any).error).toContain("JSON object");
  });

  it("rejects a mode with a non-positive or fractional count", async () => {
    const s = sim.createSession();
    const zero = await postJson(`${s.baseURL}/sim/mode`, { mode: "overloaded", count: 0 });
    const half = await postJson(`${s.baseURL}/sim/mode`, { mode: "overloaded", count: 1.5 });
    expect([zero.status, half.status]).toEqual([400, 400]);
    expect(zero.body.error).toContain("count");
    expect(s.state().mode).toBe("policy");
  });

  it("GET /sim/requests lists every request body in order with its status, mode, usage and request id", async () => {
    const s = sim.createSession();
    const api = client(s);
    await api.messages.create(decisionRequest(SNAP));
    s.setMode("overloaded", 1);
    await api.messages.create(decisionRequest(SNAP)).catch(() => {});
    const { status, body } = await getJson(`${s.baseURL}/sim/requests`);
    expect(status).toBe(200);
    expect(body).toHaveLength(2);
    expect(body[0]).toMatchObject({ seq: 1, requestId: "req_sim_000001", path: "/s/" + s.id + "/v1/messages", status: 200, mode: "policy", retryCount: 0 });
    expect(body[0].body).toEqual(JSON.parse(JSON.stringify(decisionRequest(SNAP))));
    expect(body[0].usage.output_tokens).toBeGreaterThan(0);
    expect(body[0].anthropicVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body[1]).toMatchObject({ seq: 2, status: 529, mode: "overloaded", usage: null, error: expect.stringContaining("overloaded_error") });
  });

  it("POST /sim/reset restores policy mode, drops the script and log, and restarts the id counters", async () => {
    const s = sim.createSession();
    const api = client(s);
    await api.messages.create(decisionRequest(SNAP));
    s.setMode("server_error");
    s.script([SCRIPTED]);
    const r = await postJson(`${s.baseURL}/sim/reset`, {});
    expect(r.body).toMatchObject({ mode: "policy", remaining: null, scripted: 0, requests: 0 });
    const m = await api.messages.create(decisionRequest(SNAP));
    expect(m.id).toBe("msg_sim_000001");
    expect(toolInput(m).decisions[0].action).toBe("BUY");
  });

  it("unknown sessions and endpoints are 404", async () => {
    const noSession = await postJson(`${sim.url}/s/nope/v1/messages`, {});
    const noEndpoint = await getJson(`${sim.url}/sim/nothing`);
    expect(noSession.status).toBe(404);
    expect(noSession.body.error.type).toBe("not_found_error");
    expect(noEndpoint.status).toBe(404);
  });
});
