import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { client, decisionRequest, rejection, snapshot } from "./helpers";

let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim();
});
afterAll(() => sim.close());

const SNAP = snapshot([{ symbol: "BTC/USDT", price: 100_000, rsi: 35 }]);
const VALID = decisionRequest(SNAP);

/** The SDK's error for a request body it sends as given. */
async function sdkError(body: Record<string, unknown>): Promise<any> {
  return rejection(client(sim.createSession()).messages.create(body as never));
}

function rawPost(headers: Record<string, string>, body: string) {
  return fetch(`${sim.createSession().baseURL}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("request validation", () => {
  it("answers 401 authentication_error without an API key", async () => {
    const r = await rawPost({}, JSON.stringify(VALID));
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(r.headers.get("request-id")).toBe("req_sim_000001");
  });

  it("accepts the key as x-api-key (curl, older SDKs) as well as the Bearer header the 1.x SDK sends", async () => {
    const viaHeader = await rawPost({ "x-api-key": "k" }, JSON.stringify(VALID));
    const s = sim.createSession();
    await client(s).messages.create(VALID);
    expect(viaHeader.status).toBe(200);
    expect(s.requests()[0]!.status).toBe(200);
  });

  it.each([
    ["model is missing", { model: undefined }, "model: Field required"],
    ["max_tokens is not a positive integer", { max_tokens: 0 }, "max_tokens:"],
    ["messages is empty", { messages: [] }, "messages: at least one message is required"],
    ["a message has an unknown role", { messages: [{ role: "system", content: "x" }] }, "messages.0.role:"],
    ["a text content block has no text", { messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages.0.content.0.text: Field required"],
    ["a system block is not text", { system: [{ type: "image", text: "x" }] }, "system.0.type:"],
    ["cache_control has an unknown type", { system: [{ type: "text", text: "x", cache_control: { type: "forever" } }] }, "system.0.cache_control.type:"],
    ["temperature is out of range", { temperature: 3 }, "temperature:"],
    ["an unknown top-level field is sent", { max_token: 5 }, "max_token: Extra inputs are not permitted"],
    ["tool_choice names a tool not in tools", { tool_choice: { type: "tool", name: "trade" } }, "tool_choice.name: Tool 'trade' not found"],
    ["streaming is asked for", { stream: true }, "stream:"],
  ])("answers 400 invalid_request_error naming the field when %s", async (_label, patch, message) => {
    const e = await sdkError({ ...VALID, ...patch });
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    expect(e.type).toBe("invalid_request_error");
    expect(e.apiMessage).toContain(message);
  });

  it("answers 400 when the body is not JSON", async () => {
    const r = await rawPost({ "x-api-key": "k" }, "{not json");
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.message).toContain("error parsing the body");
  });

  it("answers 400 'no <snapshot> block' when the user message has none, or its content is not JSON", async () => {
    const missing = await sdkError({ ...VALID, messages: [{ role: "user", content: "Decide now." }] });
    const broken = await sdkError({ ...VALID, messages: [{ role: "user", content: "<snapshot>\n{oops\n</snapshot>" }] });
    expect(missing.status).toBe(400);
    expect(missing.apiMessage).toMatch(/^no <snapshot> block/);
    expect(broken.apiMessage).toMatch(/^no <snapshot> block: its content is not valid JSON/);
  });

  it("answers 400 'no <position_review> block' when submit_position_evaluation is forced without one", async () => {
    const e = await sdkError({ ...VALID, tool_choice: { type: "tool", name: "submit_position_evaluation" } });
    expect(e.apiMessage).toMatch(/^no <position_review> block/);
  });

  it("answers 400 naming the field when the snapshot lacks one the policy reads", async () => {
    const snap = snapshot([{ symbol: "BTC/USDT", price: 1, rsi: 35 }]) as any;
    delete snap.limits;
    const e = await sdkError(decisionRequest(snap) as never);
    expect(e.apiMessage).toContain("<snapshot> JSON: limits");
  });

  it("a rejected request does not use up a count-limited fault", async () => {
    const s = sim.createSession();
    s.setMode("overloaded", 1);
    const api = client(s);
    const invalid = await rejection(api.messages.create({ ...VALID, max_tokens: -1 }));
    const faulted = await rejection(api.messages.create(VALID));
    const fine = await api.messages.create(VALID);
    expect([invalid.status, faulted.status, fine.type]).toEqual([400, 529, "message"]);
    expect(s.requests().map((r) => r.mode)).toEqual([null, "overloaded", "policy"]);
  });
});
