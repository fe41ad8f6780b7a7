import { describe, expect, it } from "vitest";
import { cadenceOf } from "../../../src/lib/backtest/cadence";
import type { BacktestDecision } from "../../../src/lib/backtest/types";
import type { MaterialMove } from "../../../src/lib/gate/materiality";

const T0 = Date.UTC(2026, 2, 24);
const MIN = 60_000;
const DAY = 86_400_000;

function decision(at: number, layer: string, called: boolean, usage: [number, number, number] | null = null): BacktestDecision {
  return {
    id: `d${at}`,
    at,
    layer,
    reason: "",
    decider: called ? "claude:m" : "rule:synthesizer",
    failure: null,
    actions: [],
    reviewed: 0,
    llmCalled: called,
    usage: usage ? { input_tokens: usage[0], cache_creation_input_tokens: usage[1], cache_read_input_tokens: usage[2], output_tokens: 10 } : null,
  };
}
const move = (at: number, symbol = "BTC/USDT"): MaterialMove => ({ symbol, kind: "return_shock", at, detail: "" });

describe("a run's cadence", () => {
  const run = (decisions: BacktestDecision[], moves: MaterialMove[]) =>
    cadenceOf({
      decisions,
      materialMoves: moves,
      llmCostUsd: 0.7,
      stats: { baseCandles: 0, ticks: 0, gateOpens: 0, quantTrainings: 0, regimeFits: 0, movesAlreadyDecided: 3, from: T0, to: T0 + 7 * DAY },
    });

  it("counts model calls per day and per layer, reviews apart, and the cost per day", () => {
    const c = run([decision(T0, "candle_close", true, [100, 50, 0]), decision(T0 + 60 * MIN, "review", true, [100, 0, 50]), decision(T0 + 2 * 60 * MIN, "material", false)], []);
    expect(c).toMatchObject({ decisions: 3, llmCalls: 2, reviewCalls: 1, decisionsByLayer: { candle_close: 1, review: 1, material: 1 }, shocksAlreadyDecided: 3 });
    expect(c.llmCallsPerDay).toBeCloseTo(2 / 7, 12);
    expect(c.costPerDayUsd).toBeCloseTo(0.1, 12);
  });

  it("reads the cache share from usage, and what it would be with a 5-minute cache in replay time", () => {
    const c = run([decision(T0, "candle_close", true, [100, 300, 0]), decision(T0 + 4 * MIN, "material", true, [100, 0, 300]), decision(T0 + 60 * MIN, "material", true, [100, 0, 300])], []);
    // 600 of 1200 tokens read from the cache; with expiry only the call 4 minutes after the first reads (300).
    expect(c.cacheReadShare).toBeCloseTo(0.5, 12);
    expect(c.cacheReadShareWithExpiry).toBeCloseTo(0.25, 12);
  });

  it("a material move is decided when a decision opens at or after it within 15 minutes", () => {
    const c = run([decision(T0 + 10 * MIN, "material", false), decision(T0 + 100 * MIN, "candle_close", false)], [move(T0), move(T0 + 5 * MIN), move(T0 + 11 * MIN), move(T0 + 90 * MIN, "ETH/USDT")]);
    // T0 → 10 min: yes; T0+5 → 5 min: yes; T0+11 → next at 100 min: no; T0+90 → 10 min: yes.
    expect(c).toMatchObject({ materialMoves: 4, materialMovesDecidedWithin15m: 3, materialMovesByKind: { return_shock: 4 } });
    expect(c.undecidedMoves).toEqual([{ symbol: "BTC/USDT", kind: "return_shock", at: new Date(T0 + 11 * MIN).toISOString() }]);
  });
});
