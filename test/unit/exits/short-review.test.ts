import { describe, expect, it } from "vitest";
import { ExitConfigSchema } from "../../../src/lib/config";
import { reviewOutcome, type ReviewFacts } from "../../../src/lib/exits/position-evaluator";

const cfg = ExitConfigSchema.parse({});
const H = 3_600_000;
const base: ReviewFacts = {
  entryPrice: 100,
  peakPrice: 100,
  price: 100,
  heldMs: 5 * H,
  entryRegime: null,
  regime: null,
  entryAtrPct: 1,
  atrPct: 1.1,
  entryMomentum: 0.01,
  momentum: 0,
  btcReturn1h: 0,
};

describe("the 5-signal review reads a short's moves the other way", () => {
  it("gives a short the verdict and score of the long whose every move is mirrored", () => {
    /** The long's facts reflected through the entry: prices 100 ± x become 100 ∓ x, momentum and BTC's hour negated. */
    const mirror = (f: ReviewFacts): ReviewFacts => ({
      ...f,
      side: "short",
      price: 200 - f.price,
      peakPrice: 200 - f.peakPrice,
      momentum: f.momentum === null ? null : -f.momentum,
      entryMomentum: f.entryMomentum === null ? null : -f.entryMomentum,
      btcReturn1h: f.btcReturn1h === null ? null : -f.btcReturn1h,
    });
    // A long gone wrong: 5 % down from a 4 % peak, momentum turned, BTC falling: EXIT.
    const losing: ReviewFacts = { ...base, price: 95, peakPrice: 104, momentum: -0.03, btcReturn1h: -0.025 };
    // A long going right: 5 % up at its peak, momentum and BTC rising: HOLD near ADD.
    const winning: ReviewFacts = { ...base, price: 105, peakPrice: 105, momentum: 0.03, btcReturn1h: 0.015 };
    for (const long of [losing, winning]) {
      const a = reviewOutcome(long, cfg);
      const b = reviewOutcome(mirror(long), cfg);
      expect(b.action).toBe(a.action);
      expect(b.confidence).toBeCloseTo(a.confidence, 12);
    }
    expect(reviewOutcome(mirror(losing), cfg).action).toBe("EXIT");
    expect(reviewOutcome(mirror(winning), cfg).action).not.toBe("EXIT");
  });

  it("flags a short nearing its hard stop above the entry, never a short in profit", () => {
    const near = { ...base, side: "short" as const, price: 109, peakPrice: 99.5, momentum: null, btcReturn1h: null };
    expect(reviewOutcome(near, cfg).risk).toMatch(/^down 9\.0% from entry, 60% of the way to the 15% hard stop/);
    const profit = { ...near, price: 91, peakPrice: 91 };
    expect(reviewOutcome(profit, cfg).risk).toBeNull();
  });
});
