import { describe, expect, it } from "vitest";
import { orderActions } from "../../../src/lib/synthesize/order-actions";
import type { SynthesisAction } from "../../../src/lib/synthesize/types";

const r = (symbol: string, action: SynthesisAction, score: number) => ({ symbol, action, score });

describe("orderActions", () => {
  it("puts SELLs (most bearish first) before BUYs (strongest first), then HOLDs in given order", () => {
    const input = [r("A", "BUY", 0.4), r("B", "HOLD", 0.1), r("C", "SELL", -0.3), r("D", "BUY", 0.7), r("E", "SELL", -0.6), r("F", "HOLD", -0.1)];
    expect(orderActions(input).map((x) => x.symbol)).toEqual(["E", "C", "D", "A", "B", "F"]);
    expect(input.map((x) => x.symbol)).toEqual(["A", "B", "C", "D", "E", "F"]); // not mutated
  });

  it("keeps ties in input order", () => {
    expect(orderActions([r("A", "BUY", 0.5), r("B", "BUY", 0.5), r("C", "SELL", -0.5), r("D", "SELL", -0.5)]).map((x) => x.symbol)).toEqual(["C", "D", "A", "B"]);
  });
});
