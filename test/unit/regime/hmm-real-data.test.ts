import { describe, expect, it } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import { applyScaling, baumWelch, dailyRegimeFeatures, dailyRegimeState, featureScaling, fitDailyRegimeModel, posteriors, viterbi } from "../../../src/lib/regime/index";

const candles = loadCandles("BTCUSDT", "1d");

function meanState(path: readonly number[], at: readonly number[], from: string, to: string): number {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const picked = path.filter((_, i) => at[i]! >= a && at[i]! < b);
  expect(picked.length).toBeGreaterThan(15);
  return picked.reduce((s, v) => s + v, 0) / picked.length;
}

describe("daily regime HMM on shipped BTCUSDT candles", () => {
  const started = performance.now();
  const model = fitDailyRegimeModel(candles, 42);
  const elapsed = performance.now() - started;
  const { rows, at } = dailyRegimeFeatures(candles);
  const z = applyScaling(rows, { mean: model.featureMean, std: model.featureStd });

  it("fits six years of daily candles into 2 to 4 states ordered by mean volatility", () => {
    console.log(`fitDailyRegimeModel: ${candles.length} candles → ${model.states} states in ${elapsed.toFixed(0)} ms (cold), BIC ${JSON.stringify(model.bic)}`);
    expect(candles.length).toBeGreaterThan(2100);
    expect(model.observations).toBe(candles.length - 20);
    expect(model.states).toBeGreaterThanOrEqual(2);
    expect(model.states).toBeLessThanOrEqual(4);
    expect(model.bic[model.states]).toBe(Math.min(...Object.values(model.bic)));
    const vol = model.hmm.means.map((m) => m[1]!);
    expect(vol).toEqual([...vol].sort((a, b) => a - b));
    expect(vol[0]).toBeLessThan(vol.at(-1)!);
    expect(model.fittedThrough).toBe(candles.at(-1)!.t);
  });

  it("puts March 2020 and mid-2022 in a higher-volatility state than mid-2023", () => {
    const path = viterbi(model.hmm, z);
    const calm2023 = meanState(path, at, "2023-06-01", "2023-09-01");
    expect(meanState(path, at, "2020-03-21", "2020-04-11")).toBeGreaterThan(calm2023);
    expect(meanState(path, at, "2022-06-01", "2022-08-01")).toBeGreaterThan(calm2023);
    // The same from the point-in-time reading of one day, with only candles up to that day.
    const upTo = (day: string) => candles.filter((c) => c.t <= Date.parse(day));
    const crash = dailyRegimeState(model, upTo("2020-03-25"))!;
    const quiet = dailyRegimeState(model, upTo("2023-07-20"))!;
    expect(crash.state).toBeGreaterThan(quiet.state);
  });

  it("is deterministic for a seed and survives JSON", () => {
    expect(fitDailyRegimeModel(candles, 42)).toEqual(model);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it("reads the last state from the filtered probability, which equals the smoothed one at the end", () => {
    const reading = dailyRegimeState(model, candles)!;
    const last = posteriors(model.hmm, z).at(-1)!;
    expect(reading.probabilities).toEqual(last);
    expect(reading.probability).toBe(Math.max(...last));
    expect(reading.state).toBe(last.indexOf(Math.max(...last)));
    expect(reading.at).toBe(candles.at(-1)!.t);
  });

  it("never lowers the log-likelihood across EM iterations on real features", () => {
    const zs = applyScaling(rows, featureScaling(rows));
    const init = {
      pi: [0.25, 0.25, 0.25, 0.25],
      A: Array.from({ length: 4 }, () => [0.25, 0.25, 0.25, 0.25]),
      means: [
        [0, -1],
        [0, 0],
        [0, 1],
        [0, 2],
      ],
      variances: Array.from({ length: 4 }, () => [1, 1]),
    };
    const { trace } = baumWelch(zs, init, { maxIterations: 150, tol: -Infinity });
    expect(trace).toHaveLength(151);
    for (let i = 1; i < trace.length; i++) expect(trace[i]!).toBeGreaterThanOrEqual(trace[i - 1]! - 1e-9 * Math.abs(trace[i - 1]!));
  });

  it("refuses to fit too short a history", () => {
    expect(() => fitDailyRegimeModel(candles.slice(0, 100), 1)).toThrow(/need/);
  });
});
