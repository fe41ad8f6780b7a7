import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmSim, type LlmSim } from "../../../sim/llm/server";
import { client, decisionRequest, MODEL, review, reviewRequest, snapshot, toolInput } from "./helpers";

let sim: LlmSim;
beforeAll(async () => {
  sim = await startLlmSim();
});
afterAll(() => sim.close());

const BTC = { symbol: "BTC/USDT", price: 100_000 };
const ETH = { symbol: "ETH/USDT", price: 3_000 };

describe("scripted trading policy through the real SDK", () => {
  it("buys an unheld ticker whose 4h RSI is below 40, sized min(0.2, maxPositionPct)", async () => {
    const m = await client(sim.createSession()).messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 35 }])));
    const d = toolInput(m).decisions;
    expect(d).toEqual([{ ticker: "BTC/USDT", action: "BUY", position_pct: 0.2, confidence: 0.7, reasoning: expect.stringMatching(/RSI 35\.0.*below 40/), signal_weights: { rsi: 1 } }]);
  });

  it("caps the BUY size at the snapshot's maxPositionPct", async () => {
    const m = await client(sim.createSession()).messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 20 }], { maxPositionPct: 0.05 })));
    expect(toolInput(m).decisions[0]).toMatchObject({ action: "BUY", position_pct: 0.05 });
  });

  it("sells a held ticker whose 4h RSI is above 60", async () => {
    const m = await client(sim.createSession()).messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 65 }], { held: ["BTC/USDT"] })));
    expect(toolInput(m).decisions[0]).toMatchObject({ ticker: "BTC/USDT", action: "SELL", position_pct: 0, confidence: 0.7 });
    expect(toolInput(m).decisions[0].reasoning).toMatch(/RSI 65\.0.*above 60/);
  });

  it("where the snapshot allows shorts, shorts a flat overbought ticker and covers a held short once oversold", async () => {
    const snap = snapshot(
      [
        { ...BTC, rsi: 65 },
        { ...ETH, rsi: 35 },
        { symbol: "SOL/USDT", price: 150, rsi: 65 },
      ],
      { short: ["ETH/USDT", "SOL/USDT"], shorts: true },
    );
    const d = toolInput(await client(sim.createSession()).messages.create(decisionRequest(snap))).decisions as { action: string; position_pct: number; reasoning: string }[];
    expect(d.map((x) => [x.action, x.position_pct])).toEqual([
      ["SHORT", 0.2],
      ["SELL", 0],
      ["HOLD", 0],
    ]);
    expect(d[0]!.reasoning).toMatch(/RSI 65\.0 is above 60 with no open position and shorts allowed/);
    expect(d[1]!.reasoning).toMatch(/RSI 35\.0 is below 40 on a held short/);
    // Without shorts in the limits the overbought flat ticker holds, as before.
    const spot = toolInput(await client(sim.createSession()).messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 65 }])))).decisions;
    expect(spot[0]).toMatchObject({ action: "HOLD" });
  });

  it("holds when no rule fires: held and oversold, flat and overbought, or RSI unknown", async () => {
    const snap = snapshot(
      [
        { ...BTC, rsi: 30 },
        { ...ETH, rsi: 70 },
        { symbol: "SOL/USDT", price: 150, rsi: null },
      ],
      { held: ["BTC/USDT"] },
    );
    const m = await client(sim.createSession()).messages.create(decisionRequest(snap));
    const d = toolInput(m).decisions as { action: string; position_pct: number; confidence: number }[];
    expect(d.map((x) => [x.action, x.position_pct, x.confidence])).toEqual([
      ["HOLD", 0, 0.5],
      ["HOLD", 0, 0.5],
      ["HOLD", 0, 0.5],
    ]);
  });

  it("asks to be woken on a 3% drop of every ticker and checks back in 1800 s", async () => {
    const m = await client(sim.createSession()).messages.create(
      decisionRequest(
        snapshot([
          { symbol: "BTC/USDT", price: 67_890.13, rsi: 50 },
          { ...ETH, price: 3_456.78, rsi: 45 },
        ]),
      ),
    );
    const input = toolInput(m);
    expect(input.next_check_seconds).toBe(1800);
    expect(input.wake_conditions).toEqual([
      { symbol: "BTC/USDT", metric: "price", operator: "lt", threshold: 65_853.43, reason: "3% drop" },
      { symbol: "ETH/USDT", metric: "price", operator: "lt", threshold: 3_353.08, reason: "3% drop" },
    ]);
    expect(input.market_assessment).toContain("0 buy, 0 sell, 2 hold");
    expect(input.memory_update.length).toBeLessThanOrEqual(200);
  });

  it("answers as a proper forced tool_use message with counter-based ids and a request-id header", async () => {
    const s = sim.createSession();
    const api = client(s);
    const { data: first, response } = await api.messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 50 }]))).withResponse();
    const second = await api.messages.create(decisionRequest(snapshot([{ ...BTC, rsi: 50 }])));
    expect(first).toMatchObject({ id: "msg_sim_000001", type: "message", role: "assistant", model: MODEL, stop_reason: "tool_use", stop_sequence: null });
    expect(first.content).toHaveLength(1);
    expect(first.content[0]).toMatchObject({ type: "tool_use", id: "toolu_sim_000001", name: "submit_decision" });
    expect(response.headers.get("request-id")).toBe("req_sim_000001");
    expect(second._request_id).toBe("req_sim_000002");
    expect(second.id).toBe("msg_sim_000002");
    expect(second.content).toEqual([{ ...first.content[0], id: "toolu_sim_000002" }]);
  });

  it("exits a reviewed position that lost more than 3%", async () => {
    const m = await client(sim.createSession()).messages.create(reviewRequest(review({ pnlPct: -0.04, rsi: 50 })));
    expect(m.content[0]).toMatchObject({ type: "tool_use", name: "submit_position_evaluation" });
    expect(toolInput(m)).toEqual({ action: "EXIT", confidence: 0.8, reasoning: expect.stringContaining("-4.0%") });
  });

  it("exits a reviewed position whose 4h RSI is above 70, and holds one inside both limits", async () => {
    const api = client(sim.createSession());
    const hot = await api.messages.create(reviewRequest(review({ pnlPct: 0.05, rsi: 75 })));
    const calm = await api.messages.create(reviewRequest(review({ pnlPct: -0.02, rsi: 65 })));
    expect(toolInput(hot)).toMatchObject({ action: "EXIT", confidence: 0.8 });
    expect(toolInput(calm)).toMatchObject({ action: "HOLD", confidence: 0.6 });
  });
});
