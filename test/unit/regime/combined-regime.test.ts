import { describe, expect, it } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import { combineRegime, detectRegime, fitDailyRegimeModel, macroRegime, trendRegime, volatilityRegime, type MacroSeries } from "../../../src/lib/regime/index";
import { DAY } from "./support";

const btc = loadCandles("BTCUSDT", "1d");
const closes = btc.map((c) => c.c);
const up = Array.from({ length: 60 }, (_, i) => 100 + i);

describe("combined regime", () => {
  it("keys the learner on the trend state and averages the margins of the parts present", () => {
    const trend = trendRegime(up); // trending_up, margin 1
    const volatility = { ...volatilityRegime(up), margin: 0.4 };
    const plain = combineRegime({ trend, volatility, now: 123 });
    expect(plain).toMatchObject({ trend: "trending_up", learnerKey: "trending_up", macro: "UNKNOWN", exposureScale: 1, trailMultiplier: 1, hmmState: null, hmmStates: null, at: 123 });
    expect(plain.confidence).toBeCloseTo((1 + 0.4) / 2, 12);
    // HMM at p = 0.85 of 2 states: (0.85 − 0.5) / 0.5 = 0.7 past a coin flip
    const withHmm = combineRegime({ trend, volatility, hmm: { state: 1, states: 2, probability: 0.85 }, now: 123 });
    expect(withHmm.confidence).toBeCloseTo((1 + 0.4 + 0.7) / 3, 12);
    expect(withHmm).toMatchObject({ hmmState: 1, hmmStates: 2 });
    expect(withHmm.inputs).toMatchObject({ efficiencyRatio: 1, hmmProbability: 0.85, close: 159 });
  });

  it("takes exposure and trail multipliers from a known macro quadrant and counts its margin", () => {
    const at = (i: number) => 1_000 * DAY - (3 - i) * 30 * DAY;
    const macro = macroRegime({ growth: [1, 0.5, 0].map((value, i) => ({ value, at: at(i) })), inflation: [1, 2, 3].map((value, i) => ({ value, at: at(i) })) }, 1_000 * DAY);
    const r = combineRegime({ trend: trendRegime([]), volatility: volatilityRegime([]), macro, now: 1_000 * DAY });
    expect(r).toMatchObject({ macro: "STAGFLATION", exposureScale: 0.6, trailMultiplier: 0.75, trend: "ranging", volatility: "normal" });
    expect(r.confidence).toBeCloseTo((0 + 0 + 1) / 3, 12);
    expect(r.inputs).toMatchObject({ growthSlope: -0.5, inflationSlope: 1 });
  });
});

describe("detectRegime", () => {
  const now = Date.UTC(2022, 5, 20, 12); // mid-candle: the 20 June 2022 candle is still open
  const macro: MacroSeries = {
    growth: [0.3, 0.1, -0.2, -0.5].map((value, i) => ({ value, at: now - (4 - i) * 30 * DAY })),
    inflation: [5, 6, 7, 8.6].map((value, i) => ({ value, at: now - (4 - i) * 30 * DAY })),
  };
  const closedCount = btc.findIndex((c) => c.t === Date.UTC(2022, 5, 20));

  it("uses only candles closed by now and equals its parts computed on those closes", () => {
    const r = detectRegime(btc, { now, macro });
    expect(r.candles).toBe(closedCount);
    const past = closes.slice(0, closedCount);
    expect(r.trend).toEqual(trendRegime(past));
    expect(r.volatility).toEqual(volatilityRegime(past));
    expect(r.macro.quadrant).toBe("STAGFLATION");
    expect(r.regime).toEqual(combineRegime({ trend: r.trend, volatility: r.volatility, macro: r.macro, now }));
    expect(r.regime.learnerKey).toBe(r.regime.trend);
    expect(r.regime.trend).toBe("trending_down"); // BTC fell from ~30k to ~20k into mid-June 2022
  });

  it("is unchanged by later candles and later macro points", () => {
    const future = { value: 99, at: now + DAY };
    const withFuture = detectRegime(btc, { now, macro: { growth: [...macro.growth, future], inflation: macro.inflation }, hmm: { seed: 7 } });
    const without = detectRegime(btc.slice(0, closedCount), { now, macro, hmm: { seed: 7 } });
    expect(withFuture).toEqual(without);
  });

  it("fits the HMM on the closed history when asked and reads the state of the last closed day", () => {
    const r = detectRegime(btc, { now, hmm: { seed: 7 } });
    expect(r.model!.fittedThrough).toBe(Date.UTC(2022, 5, 19));
    expect(r.hmm!.states).toBe(r.model!.states);
    expect(r.regime.hmmState).toBe(r.hmm!.state);
    expect(r.hmm!.state).toBeGreaterThan(0); // June 2022 is not the calmest state
    expect(r.hmm!.probability).toBeGreaterThan(1 / r.hmm!.states);
  });

  it("scores with a model fitted earlier but refuses one trained past now", () => {
    const early = fitDailyRegimeModel(
      btc.filter((c) => c.t < Date.UTC(2022, 0, 1)),
      3,
    );
    const r = detectRegime(btc, { now, hmm: { model: early } });
    expect(r.model).toBe(early);
    expect(r.hmm).not.toBeNull();
    const late = fitDailyRegimeModel(
      btc.filter((c) => c.t < Date.UTC(2023, 0, 1)),
      3,
    );
    expect(() => detectRegime(btc, { now, hmm: { model: late } })).toThrow(/after the last closed candle/);
  });

  it("skips the HMM while history is too short to fit one", () => {
    const r = detectRegime(btc.slice(0, 100), { now: btc[100]!.t, hmm: { seed: 1 } });
    expect(r.hmm).toBeNull();
    expect(r.regime.hmmState).toBeNull();
  });
});
