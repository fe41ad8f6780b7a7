import { describe, expect, it } from "vitest";
import { closedBy } from "../../../src/lib/agents/quant/closed-by";
import { evaluateWalkForward } from "../../../src/lib/agents/quant/evaluate";
import { scoreQuant } from "../../../src/lib/agents/quant/score";
import { trainQuantModel } from "../../../src/lib/agents/quant/train";
import { walkForward } from "../../../src/lib/agents/quant/walk-forward";
import { DAY, dailyUniverse } from "./support";

const data = dailyUniverse();

describe("quant walk-forward", () => {
  it("predicts exactly what a model trained on the data closed by its date would", () => {
    const opts = { forest: { nEstimators: 6 } };
    const start = Date.UTC(2023, 0, 1);
    const wf = walkForward(data, { ...opts, start, end: start + 19 * DAY, retrainEveryDays: 10 });
    expect(wf.models.map((m) => m.trainedAt)).toEqual([start, start + 10 * DAY]);
    for (const day of [start + 4 * DAY, start + 15 * DAY]) {
      const trainedAt = day < start + 10 * DAY ? start : start + 10 * DAY;
      const model = trainQuantModel(closedBy(data, trainedAt), trainedAt, opts)!;
      const expected = scoreQuant(model, closedBy(data, day), day);
      const got = wf.predictions.filter((p) => p.at === day);
      expect(got.map((p) => p.modelTrainedAt)).toEqual([trainedAt, trainedAt, trainedAt]);
      expect(Object.fromEntries(got.map((p) => [p.symbol, { probability: p.probability, score: p.score, at: day }]))).toEqual(expected);
    }
  });

  it("runs out of sample over BTC/ETH/SOL daily data 2021–2025 (hit rate reported, not required to beat the base rate)", () => {
    const started = performance.now();
    const wf = walkForward(data, { start: Date.UTC(2021, 0, 1), end: Date.UTC(2025, 11, 31), retrainEveryDays: 91 });
    const seconds = (performance.now() - started) / 1000;
    const summary = evaluateWalkForward(wf.predictions, wf.options.horizonDays);
    // No prediction uses a model trained after it, and no model saw a label ending after its purge cut-off.
    for (const p of wf.predictions) expect(p.modelTrainedAt).toBeLessThanOrEqual(p.at);
    for (const m of wf.models) expect(m.window.to + (7 + 5) * DAY).toBeLessThanOrEqual(m.trainedAt);
    // The first model needs 300 samples (every 3rd day, 3 assets) after SOL's 252-day warm-up.
    expect(wf.predictions[0]!.at).toBeGreaterThan(Date.UTC(2021, 6, 1));
    expect(wf.predictions[wf.predictions.length - 1]!.at).toBe(Date.UTC(2025, 11, 31));
    expect(summary.days).toBeGreaterThan(1300);
    expect(summary.baseRate).toBeCloseTo(1 / 3, 12);
    expect(summary.topPickHitRate).toBeGreaterThan(0);
    expect(summary.topPickHitRate).toBeLessThan(1);
    console.info(
      `quant walk-forward 2021–2025: ${wf.models.length} models (retrain every 91 days), ${summary.days} days from ` +
        `${new Date(wf.predictions[0]!.at).toISOString().slice(0, 10)}; top-pick hit rate ${summary.topPickHitRate.toFixed(3)} ` +
        `vs base rate ${summary.baseRate.toFixed(3)} (±${summary.hitRateStdError.toFixed(3)} s.e.); top-pick mean 7d return ` +
        `${(summary.topPickMeanReturn * 100).toFixed(2)}% vs universe ${(summary.universeMeanReturn * 100).toFixed(2)}%; ` +
        `Brier ${summary.brier.toFixed(4)} vs ${summary.brierAtBaseRate.toFixed(4)} at the base rate; ${seconds.toFixed(1)} s`,
    );
  }, 180_000);
});
