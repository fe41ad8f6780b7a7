import { afterEach, describe, expect, it, vi } from "vitest";
import { closedBy } from "../../../src/lib/agents/quant/closed-by";
import { QuantOptionsSchema } from "../../../src/lib/agents/quant/options";
import { buildPanel } from "../../../src/lib/agents/quant/panel";
import { scoreQuant } from "../../../src/lib/agents/quant/score";
import { trainQuantModel } from "../../../src/lib/agents/quant/train";
import { trainingSet } from "../../../src/lib/agents/quant/training-set";
import type { Candle } from "../../../src/lib/market/candle";
import { DAY, dailyUniverse } from "./support";

// Fewer trees and every third day keep these tests fast; the behaviour does not depend on it.
const FAST = { sampleStrideDays: 3, forest: { nEstimators: 8 } };
const data = dailyUniverse();
const AS_OF = Date.UTC(2024, 2, 1);

/** `data` with every candle that closes after `after` replaced by nonsense (prices ×7, volume ×0.1). */
function scrambledAfter(after: number): Record<string, Candle[]> {
  const out: Record<string, Candle[]> = {};
  for (const [s, cs] of Object.entries(data)) {
    out[s] = cs.map((c, i) => (c.t + DAY > after ? { ...c, o: c.o * 7, h: c.h * (7 + (i % 3)), l: c.l * 7, c: c.c * (7 + (i % 3)) * 0.99, v: c.v * 0.1 } : c));
  }
  return out;
}

describe("quant ranker, point in time", () => {
  const model = trainQuantModel(data, AS_OF, FAST)!;

  it("trains at a date from the candles closed by it", () => {
    expect(model).not.toBeNull();
    expect(model.trainedAt).toBe(AS_OF);
    expect(model.samples).toBe((540 / 3) * 3);
    expect(model.symbols).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
  });

  it("scores a day the same when the data after it is cut off or scrambled", () => {
    for (const day of [AS_OF, AS_OF + 20 * DAY, Date.UTC(2024, 8, 9)]) {
      const full = scoreQuant(model, data, day);
      expect(Object.keys(full)).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
      expect(scoreQuant(model, closedBy(data, day), day)).toEqual(full);
      expect(scoreQuant(model, scrambledAfter(day), day)).toEqual(full);
      // ...while scrambling the day itself does change it: the check is not vacuous.
      expect(scoreQuant(model, scrambledAfter(day - DAY), day)).not.toEqual(full);
    }
  });

  it("trains the same model when the data after the training date is scrambled", () => {
    expect(trainQuantModel(scrambledAfter(AS_OF), AS_OF, FAST)).toEqual(model);
  });

  it("scores at the last daily close at or before the time asked", () => {
    const midday = AS_OF + 13 * 3_600_000;
    expect(scoreQuant(model, data, midday)).toEqual(scoreQuant(model, data, AS_OF));
    expect(scoreQuant(model, data, AS_OF - 1)["BTCUSDT"]!.at).toBe(AS_OF - DAY);
  });

  it("leaves out an asset without features that day and scores nothing below minAssets", () => {
    const stale = { ...data, SOLUSDT: closedBy(data, AS_OF - 3 * DAY)["SOLUSDT"]! };
    expect(Object.keys(scoreQuant(model, stale, AS_OF))).toEqual([]); // two assets < minAssets 3
    const model2 = trainQuantModel(data, AS_OF, { ...FAST, minAssets: 2 })!;
    expect(Object.keys(scoreQuant(model2, stale, AS_OF))).toEqual(["BTCUSDT", "ETHUSDT"]);
  });
});

describe("quant ranker, purge gap", () => {
  const opts = QuantOptionsSchema.parse({ sampleStrideDays: 1 });
  const panel = buildPanel(closedBy(data, AS_OF), opts);
  const set = trainingSet(panel, AS_OF, opts);

  it("ends the sample window horizon + purge days before the training date", () => {
    const days = [...new Set(set.rows.map((r) => r.at))].sort((a, b) => a - b);
    expect(days.length).toBe(540);
    expect(days[days.length - 1]).toBe(AS_OF - (7 + 5) * DAY);
    expect(days[0]).toBe(AS_OF - (7 + 5 + 539) * DAY);
  });

  it("uses no label whose horizon reaches past the cut-off purgeDays before training", () => {
    for (const r of set.rows) expect(r.at + 7 * DAY).toBeLessThanOrEqual(AS_OF - 5 * DAY);
  });

  it("reads no candle that closed inside the purge gap, and does read the one closing at its start", () => {
    const gapStart = AS_OF - 5 * DAY;
    const model = trainQuantModel(data, AS_OF, FAST);
    expect(trainQuantModel(scrambledAfter(gapStart), AS_OF, FAST)).toEqual(model);
    // The last label ends with the candle closing at gapStart: a far better close there for an asset
    // that was not the best makes it the best.
    const last = (d: Record<string, readonly Candle[]>) => trainingSet(buildPanel(closedBy(d, AS_OF), opts), AS_OF, opts).rows.filter((r) => r.at === AS_OF - 12 * DAY);
    const before = last(data);
    const loser = before.find((r) => r.label === 0)!.symbol;
    const boosted = { ...data, [loser]: data[loser]!.map((c) => (c.t + DAY === gapStart ? { ...c, h: c.h * 3, c: c.c * 3 } : c)) };
    expect(last(boosted).map((r) => [r.symbol, r.label])).toEqual(before.map((r) => [r.symbol, r.symbol === loser ? 1 : 0]));
  });

  it("returns no model before there are minTrainSamples samples", () => {
    expect(trainQuantModel(data, Date.UTC(2021, 5, 1), FAST)).toBeNull();
  });
});

describe("quant ranker model", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is deterministic for a seed and differs across seeds", () => {
    const a = trainQuantModel(data, AS_OF, { ...FAST, forest: { nEstimators: 8, seed: 7 } });
    const b = trainQuantModel(data, AS_OF, { ...FAST, forest: { nEstimators: 8, seed: 7 } });
    const c = trainQuantModel(data, AS_OF, { ...FAST, forest: { nEstimators: 8, seed: 8 } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a!.forest)).not.toBe(JSON.stringify(c!.forest));
  });

  it("never calls Math.random while training or scoring", () => {
    const random = vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random called");
    });
    const model = trainQuantModel(data, AS_OF, FAST)!;
    scoreQuant(model, data, AS_OF);
    expect(random).not.toHaveBeenCalled();
  });

  it("survives a JSON round trip with identical scores", () => {
    const model = trainQuantModel(data, AS_OF, FAST)!;
    const restored = JSON.parse(JSON.stringify(model)) as typeof model;
    for (const day of [AS_OF, AS_OF + 45 * DAY]) expect(scoreQuant(restored, data, day)).toEqual(scoreQuant(model, data, day));
    expect(JSON.stringify(restored)).toBe(JSON.stringify(model));
  });

  it("has a base rate of one in three: one best asset of three each day", () => {
    const model = trainQuantModel(data, AS_OF, FAST)!;
    expect(model.positives * 3).toBe(model.samples);
    expect(model.baseRate).toBeCloseTo(1 / 3, 12);
  });
});
