import { describe, expect, it } from "vitest";
import { derivativesAgent } from "../../../src/lib/agents/derivatives-agent";
import { momentumAgent } from "../../../src/lib/agents/momentum-agent";
import { recentFunding } from "../../../src/lib/agents/recent-funding";
import { regimeAgent } from "../../../src/lib/agents/regime-agent";
import { sentimentAgent } from "../../../src/lib/agents/sentiment-agent";
import { quantAgent } from "../../../src/lib/agents/quant-agent";
import { DEFAULT_SYNTHESIZER_CONFIG as CFG } from "../../../src/lib/synthesize/config";
import { synthesize } from "../../../src/lib/synthesize/synthesize";
import { loadCandles, loadFunding } from "../../../sim/data/candles";
import { regime } from "./support";

const DAY = 86_400_000;

describe("agents into the synthesizer on real BTC data", () => {
  const candles = loadCandles("BTCUSDT", "1d");
  const funding = loadFunding("BTCUSDT").map((p) => ({ at: p.t, value: p.rate }));

  it("votes momentum only in trends and spreads the idle agents' weight over the voters, every week of 2024", () => {
    const actions = new Set<string>();
    const trends = new Set<string>();
    for (let i = candles.findIndex((c) => c.t === Date.UTC(2024, 0, 1)); i < candles.length && candles[i]!.t < Date.UTC(2025, 0, 1); i += 7) {
      const now = candles[i]!.t + DAY;
      const closes = candles.slice(0, i + 1).map((c) => c.c);
      const r30 = closes[i]! / closes[i - 30]! - 1;
      const reg = regime(r30 > 0.1 ? "trending_up" : r30 < -0.1 ? "trending_down" : "ranging", "normal", 0.8);
      const m14 = closes[i]! / closes[i - 14]! - 1;
      const m30 = closes[i]! / closes[i - 30]! - 1;
      const mom = 0.5 * Math.tanh(m14 / 0.05) + 0.5 * Math.tanh(m30 / 0.1);
      const last3 = funding.filter((p) => p.at <= now).slice(-3);
      const fund = -Math.tanh(((last3[0]!.value + last3[1]!.value + last3[2]!.value) / 3 - 0.0001) / 0.0005);
      const reg0 = reg.trend === "trending_up" ? 0.8 : reg.trend === "trending_down" ? -0.8 : 0;
      const scores = [
        quantAgent("BTCUSDT", null, null),
        momentumAgent("BTCUSDT", closes),
        regimeAgent("BTCUSDT", reg),
        derivativesAgent("BTCUSDT", { funding: recentFunding(funding, now), takerDelta: null, longShortRatio: null, openInterestChange: null, priceChange: null }),
        sentimentAgent("BTCUSDT", null),
      ];
      // Derivatives votes with a learned weight of 0.1 here; quant, market and sentiment sit out.
      const weights = { ...CFG.defaultWeights, derivatives: 0.1 };
      const result = synthesize(scores, weights, CFG, reg);
      const trending = reg.trend !== "ranging";
      const expected = trending ? (0.18 * mom + 0.11 * reg0 + 0.1 * fund) / 0.39 : (0.11 * 0 + 0.1 * fund) / 0.21;
      expect(result.active).toEqual(trending ? ["momentum", "regime", "derivatives"] : ["regime", "derivatives"]);
      expect(result.score).toBeCloseTo(expected, 12);
      // In a range the regime agent votes 0, which agrees with neither side: derivatives alone cannot meet minAgreeing 2.
      if (!trending) expect(result.action).toBe("HOLD");
      actions.add(result.action);
      trends.add(reg.trend);
    }
    expect([...trends].sort()).toEqual(["ranging", "trending_down", "trending_up"]);
    expect(actions.has("HOLD")).toBe(true);
    expect(actions.size).toBeGreaterThan(1);
  });
});
