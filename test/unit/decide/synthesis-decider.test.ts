import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { buildSnapshot } from "../../../src/lib/decide/snapshot";
import { decideBySynthesis, type TickerPipelineInput } from "../../../src/lib/decide/synthesis-decider";
import { detectRegime } from "../../../src/lib/regime/index";
import { defaultStrategyConfigs } from "../../../src/lib/strategy/registry";
import { synthesize } from "../../../src/lib/synthesize/synthesize";
import { loadCandles, loadFunding } from "../../../sim/data/candles";
import { snapshotInput } from "./fixtures";

const H4 = 14_400_000;
const DAY = 86_400_000;
const h4 = loadCandles("BTCUSDT", "4h");
const d1 = loadCandles("BTCUSDT", "1d");
const funding = loadFunding("BTCUSDT").map((p) => ({ at: p.t, value: p.rate }));
const weights = { weights: DEFAULT_CONFIG.synthesizer.defaultWeights, source: "defaults" };

function at(now: number, held: boolean) {
  const candles4h = h4.filter((c) => c.t + H4 <= now).slice(-120);
  const daily = d1.filter((c) => c.t + DAY <= now).slice(-400);
  const regime = detectRegime(daily, { now }).regime;
  const positions = held ? [{ id: "p", symbol: "BTC/USDT", qty: 0.01, entryPrice: 50_000, lastPrice: 50_000, openedAt: now - DAY }] : [];
  const snapshot = buildSnapshot(
    snapshotInput([{ symbol: "BTC/USDT", candles: { "4h": candles4h, "1d": daily }, price: null, features: null, funding: [], regime }], {
      account: { cash: 10_000, equity: 10_000, exposure: 0, tradingState: "ACTIVE", positions, at: now },
    }),
    now,
  );
  const ticker: TickerPipelineInput = {
    context: {
      symbol: "BTC/USDT",
      now,
      candles: { "4h": candles4h, "1d": daily },
      funding: funding.filter((p) => p.at <= now),
      openInterest: null,
      regime,
      position: held ? { entryPrice: 50_000, openedAt: now - DAY } : null,
    },
    regime,
    dailyCloses: daily.map((c) => c.c),
    sentiment: null,
    weights,
  };
  return { snapshot, regime, r: decideBySynthesis(snapshot, { tickers: { "BTC/USDT": ticker }, strategies: defaultStrategyConfigs(), quantModel: null, quantScores: null }, DEFAULT_CONFIG) };
}

describe("the rule pipeline's decider (strategies → agents → synthesizer)", () => {
  const closes = h4.filter((c) => c.t >= Date.UTC(2024, 0, 1) && c.t < Date.UTC(2025, 0, 1)).map((c) => c.t + H4);

  it("turns the vote into actions the account can take, sized by the macro scale", () => {
    const seen = { BUY: 0, SELL: 0, heldBuy: 0, flatSell: 0 };
    for (const now of closes.filter((_, i) => i % 6 === 0)) {
      const flat = at(now, false);
      const vote = flat.r.votes[0]!;
      // The vote is the synthesizer's on exactly these agent scores.
      expect(vote.result).toEqual(synthesize(vote.scores, weights.weights, DEFAULT_CONFIG.synthesizer, flat.regime));
      const d = flat.r.decision.decisions[0]!;
      if (vote.result.action === "BUY") {
        seen.BUY++;
        expect(d).toMatchObject({ action: "BUY", position_pct: DEFAULT_CONFIG.risk.positionPct * flat.regime.exposureScale });
        expect(at(now, true).r.decision.decisions[0]!.action).toBe("HOLD");
        seen.heldBuy++;
      } else if (vote.result.action === "SELL") {
        seen.SELL++;
        expect(d.action).toBe("HOLD");
        expect(d.reasoning).toMatch(/^SELL vote but no position/);
        expect(at(now, true).r.decision.decisions[0]!.action).toBe("SELL");
        seen.flatSell++;
      } else expect(d.action).toBe("HOLD");
      expect(d.signal_weights).toEqual(Object.fromEntries(vote.scores.filter((s) => s.active).map((s) => [s.agent, s.score])));
    }
    expect(seen.BUY).toBeGreaterThan(0);
    expect(seen.SELL).toBeGreaterThan(0);
  });

  it("stores every strategy's signal for the ticker, PASS included", () => {
    const { r } = at(closes[100]!, false);
    expect(r.votes[0]!.signals.map((s) => s.strategy).sort()).toEqual(["funding-oi", "funding-rate", "momentum-breakout", "regime-blend", "rsi-mean-reversion"]);
  });
});
