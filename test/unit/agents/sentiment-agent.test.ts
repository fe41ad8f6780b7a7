import { describe, expect, it } from "vitest";
import { sentimentAgent } from "../../../src/lib/agents/sentiment-agent";

describe("sentiment agent", () => {
  it("is neutral and inactive without a configured source", () => {
    expect(sentimentAgent("BTC/USDT", null)).toMatchObject({ agent: "sentiment", symbol: "BTC/USDT", score: 0, active: false });
  });

  it("passes a reading through, clamped to [−1, 1]", () => {
    expect(sentimentAgent("BTC/USDT", 0.42)).toMatchObject({ score: 0.42, active: true });
    expect(sentimentAgent("BTC/USDT", -3).score).toBe(-1);
    expect(sentimentAgent("BTC/USDT", 0).active).toBe(true);
  });

  it("rejects a non-finite reading as a bug upstream", () => {
    expect(() => sentimentAgent("BTC/USDT", Number.NaN)).toThrow(/finite/);
  });
});
