import { describe, expect, it } from "vitest";
import { AGENT_NAMES } from "../../../src/lib/agents/types";
import { DEFAULT_SYNTHESIZER_CONFIG, SynthesizerConfigSchema } from "../../../src/lib/synthesize/config";

describe("synthesizer config", () => {
  it("defaults to the seed's weights and thresholds, derivatives at 0", () => {
    expect(DEFAULT_SYNTHESIZER_CONFIG.defaultWeights).toEqual({ quant: 0.35, market: 0.24, momentum: 0.18, sentiment: 0.12, regime: 0.11, derivatives: 0 });
    const total = AGENT_NAMES.reduce((s, a) => s + DEFAULT_SYNTHESIZER_CONFIG.defaultWeights[a], 0);
    expect(total).toBeCloseTo(1, 12);
    expect(DEFAULT_SYNTHESIZER_CONFIG).toMatchObject({ buyThreshold: 0.35, sellThreshold: -0.2, minAgreeing: 2 });
  });

  it("fills unspecified weights from the defaults and rejects negative ones", () => {
    expect(SynthesizerConfigSchema.parse({ defaultWeights: { derivatives: 0.1 } }).defaultWeights).toMatchObject({ quant: 0.35, derivatives: 0.1 });
    expect(() => SynthesizerConfigSchema.parse({ defaultWeights: { quant: -0.1 } })).toThrow();
  });

  it("rejects a sell threshold at or above the buy threshold", () => {
    expect(() => SynthesizerConfigSchema.parse({ buyThreshold: 0.1, sellThreshold: 0.1 })).toThrow(/sellThreshold/);
  });
});
