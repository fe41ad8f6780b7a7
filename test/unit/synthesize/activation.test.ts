import { describe, expect, it } from "vitest";
import { activeAgents } from "../../../src/lib/synthesize/activation";
import { DEFAULT_SYNTHESIZER_CONFIG as CFG, SynthesizerConfigSchema } from "../../../src/lib/synthesize/config";
import { regime } from "./support";

const ALWAYS = ["quant", "market", "sentiment", "derivatives"];

describe("conditional activation table", () => {
  it("turns momentum on only in trends and the regime agent only at confidence ≥ 0.5", () => {
    const table: [Parameters<typeof regime>, string[]][] = [
      [
        ["trending_up", "normal", 0.8],
        ["quant", "market", "momentum", "sentiment", "regime", "derivatives"],
      ],
      [
        ["trending_down", "volatile", 0.9],
        ["quant", "market", "momentum", "sentiment", "regime", "derivatives"],
      ],
      [
        ["ranging", "normal", 0.8],
        ["quant", "market", "sentiment", "regime", "derivatives"],
      ],
      [
        ["ranging", "calm", 0.49],
        ["quant", "market", "sentiment", "derivatives"],
      ],
      [
        ["trending_up", "calm", 0.5],
        ["quant", "market", "momentum", "sentiment", "regime", "derivatives"],
      ],
      [
        ["trending_up", "calm", 0.2],
        ["quant", "market", "momentum", "sentiment", "derivatives"],
      ],
    ];
    for (const [args, expected] of table) expect(activeAgents(regime(...args), CFG), args.join("/")).toEqual(expected);
  });

  it("keeps only the unconditional agents without a regime", () => {
    expect(activeAgents(null, CFG)).toEqual(ALWAYS);
  });

  it("is configurable: a volatility condition and an extra confidence floor", () => {
    const cfg = SynthesizerConfigSchema.parse({ activation: { market: { volatilities: ["calm", "normal"] }, quant: { minConfidence: 0.6, trends: ["trending_up"] } } });
    expect(activeAgents(regime("trending_up", "volatile", 0.7), cfg)).toEqual(["quant", "momentum", "sentiment", "regime", "derivatives"]);
    expect(activeAgents(regime("trending_up", "normal", 0.55), cfg)).toEqual(["market", "momentum", "sentiment", "regime", "derivatives"]);
    expect(activeAgents(regime("trending_down", "normal", 0.9), cfg)).toEqual(["market", "momentum", "sentiment", "regime", "derivatives"]);
    // Unconfigured agents keep their defaults.
    expect(cfg.activation.momentum).toEqual({ trends: ["trending_up", "trending_down"] });
  });
});
