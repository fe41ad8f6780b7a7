import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { pipelineInputs } from "../../../src/lib/decide/pipeline-inputs";
import { buildSnapshot } from "../../../src/lib/decide/snapshot";
import type { DerivativesHistory } from "../../../src/lib/market/derivatives";
import { fundingOi } from "../../../src/lib/strategy/funding-oi";
import { syntheticHistory } from "../../../sim/data/derivatives";
import { snapshotInput } from "./fixtures";

const H = 3_600_000;
const T = Date.UTC(2025, 0, 10, 12);
const weights = { none: { weights: DEFAULT_CONFIG.synthesizer.defaultWeights, source: "test" } };

function ticker(derivatives: DerivativesHistory, funding = [{ at: T - 4 * H, value: 0.0009 }]) {
  return { symbol: "BTC/USDT", candles: {}, price: { value: 100, at: T }, features: null, funding, derivatives };
}

describe("derivatives in the snapshot: point in time, stamped, labelled", () => {
  it("carries open interest, taker ratio, long/short ratio, basis and the last hour's liquidations, none stamped after the decision", () => {
    // The generator's history over two days around T: half of it lies after the decision.
    const history = syntheticHistory("BTCUSDT", T - 36 * H, T + 12 * H, () => 100);
    const snapshot = buildSnapshot(snapshotInput([ticker(history)]), T);
    const d = snapshot.tickers[0]!.derivatives;
    expect(d.synthetic).toBe(true);
    for (const key of ["openInterest", "takerBuySellRatio", "longShortRatio", "basis"] as const) {
      const v = d[key]!;
      expect(v.at, key).toBeLessThanOrEqual(T);
      // The newest point at or before T, never a later one.
      const newest = history[key].filter((p) => p.at <= T).at(-1)!;
      expect(v, key).toEqual({ at: newest.at, value: newest.value });
    }
    const hour = history.liquidations.filter((l) => l.at > T - H && l.at <= T);
    if (hour.length === 0) expect(d.liquidations).toBeNull();
    else expect(d.liquidations).toMatchObject({ count: hour.length, at: Math.max(...hour.map((l) => l.at)), windowMs: H });
    // The same snapshot whatever later data exists.
    const cut = syntheticHistory("BTCUSDT", T - 36 * H, T + 1, () => 100);
    expect(buildSnapshot(snapshotInput([ticker(cut)]), T).tickers[0]!.derivatives).toEqual(d);
  });

  it("leaves the fields null and unlabelled when no source provides them", () => {
    const snapshot = buildSnapshot(snapshotInput([{ symbol: "BTC/USDT", candles: {}, price: { value: 100, at: T }, features: null, funding: [] }]), T);
    expect(snapshot.tickers[0]!.derivatives).toEqual({ fundingRate: null, openInterest: null, takerBuySellRatio: null, longShortRatio: null });
  });

  it("funding-oi fires on extreme funding with open interest up more than 10 % over 24 h, and passes when it is not", () => {
    const rising: DerivativesHistory = {
      openInterest: [
        { at: T - 30 * H, value: 1_000 },
        { at: T - 24 * H, value: 1_000 },
        { at: T - H, value: 1_150 },
        { at: T + H, value: 5_000 }, // after the decision: never read
      ],
      takerBuySellRatio: [{ at: T - H, value: 1.2 }],
      longShortRatio: [{ at: T - H, value: 2 }],
      basis: [],
      liquidations: [],
      synthetic: false,
    };
    const input = snapshotInput([ticker(rising)]);
    const snapshot = buildSnapshot(input, T);
    const p = pipelineInputs(input, snapshot, { "BTC/USDT": null }, weights, null, DEFAULT_CONFIG.strategies);
    const ctx = p.tickers["BTC/USDT"]!.context;
    expect(ctx.openInterest!.every((x) => x.at <= T)).toBe(true);
    const signal = fundingOi.evaluate(ctx, fundingOi.params.parse({}));
    expect(signal).toMatchObject({ action: "SHORT" });
    expect(signal.metadata.oiChange).toBeCloseTo(0.15, 12);
    // The derivatives agent reads the rest: taker imbalance (1.2 − 1)/(1.2 + 1), the long/short ratio, open interest's change.
    expect(p.tickers["BTC/USDT"]!.derivatives).toEqual({ takerDelta: expect.closeTo(0.2 / 2.2, 12), longShortRatio: 2, openInterestChange: expect.closeTo(0.15, 12), priceChange: null });
    const flat = { ...rising, openInterest: rising.openInterest.map((x) => ({ ...x, value: x.at > T ? 5_000 : 1_000 })) };
    const flatInput = snapshotInput([ticker(flat)]);
    const flatCtx = pipelineInputs(flatInput, buildSnapshot(flatInput, T), { "BTC/USDT": null }, weights, null, DEFAULT_CONFIG.strategies).tickers["BTC/USDT"]!.context;
    expect(fundingOi.evaluate(flatCtx, fundingOi.params.parse({})).action).toBe("PASS");
  });
});
