import { describe, expect, it } from "vitest";
import { quantAgent } from "../../../src/lib/agents/quant-agent";
import type { QuantModel } from "../../../src/lib/agents/quant/model";
import { QuantOptionsSchema } from "../../../src/lib/agents/quant/options";
import { buildPanel } from "../../../src/lib/agents/quant/panel";
import { closedBy } from "../../../src/lib/agents/quant/closed-by";
import { probabilityToScore, scoreQuant } from "../../../src/lib/agents/quant/score";
import { trainQuantModel } from "../../../src/lib/agents/quant/train";
import { DAY, dailyUniverse, expectClose } from "./support";

interface Node {
  distribution?: number[][];
  splitColumn?: number;
  splitValue?: number;
  left?: Node;
  right?: Node;
}

/** Soft vote written out: walk each stored tree on its own feature subset, average the leaves' class-1 share. */
function probabilityByHand(model: QuantModel, features: number[]): number {
  const base = model.forest.baseModel as { indexes: number[][]; estimators: { root: Node }[] };
  let sum = 0;
  base.estimators.forEach((tree, i) => {
    const row = base.indexes[i]!.map((c) => features[c]!);
    let node = tree.root;
    while (node.distribution === undefined) node = row[node.splitColumn!]! < node.splitValue! ? node.left! : node.right!;
    sum += node.distribution[0]![1] ?? 0;
  });
  return sum / base.estimators.length;
}

describe("quant agent on a model trained on real BTC/ETH/SOL daily data", () => {
  const data = dailyUniverse();
  const asOf = Date.UTC(2025, 0, 1);
  const model = trainQuantModel(data, asOf, { sampleStrideDays: 3, forest: { nEstimators: 10 } })!;
  const panel = buildPanel(data, QuantOptionsSchema.parse({}));

  it("scores (P − base)/(1 − base) above the base rate and (P − base)/base below it, every 5th day of 2025 H1", () => {
    const b = model.baseRate;
    let above = 0;
    let below = 0;
    for (let day = asOf; day < Date.UTC(2025, 6, 1); day += 5 * DAY) {
      const scores = scoreQuant(model, data, day);
      for (const row of panel.byDate.get(day)!) {
        const p = probabilityByHand(model, row.features);
        const expected = p >= b ? (p - b) / (1 - b) : (p - b) / b;
        const s = quantAgent(row.symbol, model, scores);
        expect(s).toMatchObject({ agent: "quant", symbol: row.symbol, active: true });
        expectClose(scores[row.symbol]!.probability, p, `${row.symbol} ${new Date(day).toISOString()}`);
        expectClose(s.score, expected);
        if (expected > 0) above++;
        else below++;
      }
    }
    expect(above).toBeGreaterThan(5);
    expect(below).toBeGreaterThan(5);
  });

  it("is inactive without a model or without features for the ticker", () => {
    expect(quantAgent("BTCUSDT", null, null)).toMatchObject({ active: false, score: 0 });
    const scores = scoreQuant(model, closedBy(data, asOf), asOf);
    expect(quantAgent("DOGEUSDT", model, scores)).toMatchObject({ active: false, score: 0 });
    expect(quantAgent("BTCUSDT", model, null).active).toBe(false);
  });

  it("maps the base rate to 0, certainty to +1 and zero probability to −1", () => {
    expect(probabilityToScore(1 / 3, 1 / 3)).toBe(0);
    expect(probabilityToScore(1, 1 / 3)).toBe(1);
    expect(probabilityToScore(0, 1 / 3)).toBe(-1);
    expectClose(probabilityToScore(0.5, 1 / 3), 0.25);
  });
});
