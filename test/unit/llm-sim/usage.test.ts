import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { client, decisionRequest, snapshot, STATIC_INSTRUCTIONS, TOOLS } from "./helpers";

let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim();
});
afterAll(() => sim.close());

const SNAP = snapshot([{ symbol: "BTC/USDT", price: 100_000, rsi: 50 }]);
const tokens = (chars: number) => Math.ceil(chars / 4);

describe("usage and prompt caching", () => {
  it("counts the cached system block as cache creation first, then as a cache read left out of input_tokens", async () => {
    const api = client(sim.createSession());
    const req = decisionRequest(SNAP);
    const first = (await api.messages.create(req)).usage;
    const second = (await api.messages.create(req)).usage;
    const cached = tokens(STATIC_INSTRUCTIONS.length);
    expect(first).toMatchObject({ cache_creation_input_tokens: cached, cache_read_input_tokens: 0 });
    expect(second).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: cached });
    expect(second.input_tokens).toBe(first.input_tokens);
    expect(first.cache_creation).toEqual({ ephemeral_5m_input_tokens: cached, ephemeral_1h_input_tokens: 0 });
  });

  it("input_tokens are a quarter of the uncached characters sent: rest of system, tools and message text", async () => {
    const req = decisionRequest(SNAP);
    const { usage } = await client(sim.createSession()).messages.create(req);
    const dynamicSystem = "Portfolio: main. Memory: none.".length;
    const userText = (req.messages[0]!.content as string).length;
    expect(usage.input_tokens).toBe(tokens(dynamicSystem + JSON.stringify(TOOLS).length + userText));
  });

  it("output_tokens are a quarter of the characters of the tool input JSON", async () => {
    const m = await client(sim.createSession()).messages.create(decisionRequest(SNAP));
    const block = m.content[0]!;
    expect(block.type).toBe("tool_use");
    expect(m.usage.output_tokens).toBe(tokens(JSON.stringify(block.type === "tool_use" ? block.input : null).length));
  });

  it("a changed static block is a new cache entry; the earlier one is still a hit afterwards", async () => {
    const api = client(sim.createSession());
    const v1 = decisionRequest(SNAP);
    const v2 = decisionRequest(SNAP, { staticText: `${STATIC_INSTRUCTIONS} (prompt v8)` });
    const u = [];
    for (const req of [v1, v2, v1]) u.push((await api.messages.create(req)).usage);
    expect(u.map((x) => [x.cache_creation_input_tokens! > 0, x.cache_read_input_tokens! > 0])).toEqual([
      [true, false],
      [true, false],
      [false, true],
    ]);
  });

  it("without cache_control nothing is cached and the whole system prompt counts as input", async () => {
    const api = client(sim.createSession());
    const req = { ...decisionRequest(SNAP), system: `${STATIC_INSTRUCTIONS}Portfolio: main. Memory: none.` };
    const a = (await api.messages.create(req)).usage;
    const b = (await api.messages.create(req)).usage;
    expect([a.cache_creation_input_tokens, a.cache_read_input_tokens, b.cache_read_input_tokens]).toEqual([0, 0, 0]);
    expect(a.input_tokens).toBe(b.input_tokens);
    expect(a.input_tokens).toBeGreaterThan(tokens(STATIC_INSTRUCTIONS.length));
  });

  it("each session has its own prompt cache, and reset empties it", async () => {
    const s1 = sim.createSession();
    const s2 = sim.createSession();
    const req = decisionRequest(SNAP);
    await client(s1).messages.create(req);
    const other = (await client(s2).messages.create(req)).usage;
    s1.reset();
    const afterReset = (await client(s1).messages.create(req)).usage;
    expect(other.cache_read_input_tokens).toBe(0);
    expect(afterReset.cache_read_input_tokens).toBe(0);
    expect(afterReset.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it("the same calls give byte-identical responses in a fresh session", async () => {
    const run = async () => {
      const api = client(sim.createSession());
      const out = [];
      for (let i = 0; i < 2; i++) out.push(JSON.stringify(await api.messages.create(decisionRequest(SNAP))));
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});
