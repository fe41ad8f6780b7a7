import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { evaluatePosition, reviewRisk, type ReviewFacts } from "../../../src/lib/exits/position-evaluator";

const cfg = DEFAULT_CONFIG.exits;
const facts = (over: Partial<ReviewFacts> = {}): ReviewFacts => ({
  entryPrice: 100,
  peakPrice: 100,
  price: 100,
  heldMs: 3_600_000,
  entryRegime: "trending",
  regime: "trending",
  entryAtrPct: 2,
  atrPct: 2,
  entryMomentum: 0.01,
  momentum: 0.01,
  btcReturn1h: 0,
  ...over,
});

describe("a position at risk", () => {
  it("a calm HOLD is not at risk", () => {
    const f = facts();
    expect(reviewRisk(evaluatePosition(f, cfg), f, cfg)).toBeNull();
  });

  it("a HOLD at or below the risk line is, with the evaluator's reasons", () => {
    // Momentum turned negative (-0.7 × 0.25 = -0.175), the regime unknown now: a HOLD, at risk.
    const f = facts({ momentum: -0.01, regime: null });
    const r = evaluatePosition(f, cfg);
    expect(r.action).toBe("HOLD");
    expect(reviewRisk(r, f, cfg)).toMatch(/^5-signal score -0\.175 .*at or below the risk line -0\.15/);
  });

  it("a loss half-way to the hard stop is, however the signals look", () => {
    const f = facts({ price: 92 });
    expect(reviewRisk(evaluatePosition(f, cfg), f, cfg)).toBe("down 8.0% from entry, 53% of the way to the 15% hard stop");
  });

  it("an EXIT is not 'at risk': it exits on its own", () => {
    // The trend ended too (-0.8 × 0.25): -0.375, below the exit line -0.3.
    const f = facts({ momentum: -0.01, regime: "ranging" });
    const r = evaluatePosition(f, cfg);
    expect(r.action).toBe("EXIT");
    expect(reviewRisk(r, f, cfg)).toBeNull();
  });
});
