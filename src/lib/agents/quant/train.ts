import { closedBy, type CandlesBySymbol } from "./closed-by";
import { fitForest } from "./forest";
import type { QuantModel } from "./model";
import { QuantOptionsSchema, type QuantOptions, type QuantOptionsInput } from "./options";
import { buildPanel, type QuantPanel } from "./panel";
import { trainingSet } from "./training-set";

/**
 * Trains on a prebuilt panel (the walk-forward builds one panel and trains many times). Only the
 * purged window of trainingSet is read, so a panel built from more data than `asOf` gives the same
 * model as one built from the candles closed by `asOf`. Null when there are fewer than
 * minTrainSamples samples.
 */
export function trainFromPanel(panel: QuantPanel, asOf: number, options: QuantOptions): QuantModel | null {
  const set = trainingSet(panel, asOf, options);
  if (set.y.length < options.minTrainSamples) return null;
  const positives = set.y.reduce<number>((s, v) => s + v, 0);
  return {
    version: 1,
    forest: fitForest(set.X, set.y, options.forest),
    featureNames: panel.featureNames,
    options,
    trainedAt: asOf,
    window: { from: set.rows[0]!.at, to: set.rows[set.rows.length - 1]!.at, cutoff: set.cutoff, windowStart: set.windowStart },
    samples: set.y.length,
    positives,
    baseRate: positives / set.y.length,
    symbols: panel.symbols,
  };
}

/**
 * Trains the quant ranker at `asOf` from daily candles per symbol: only candles closed by `asOf` are
 * read; samples are the purged rolling window (see trainingSet); the forest is seeded. Null when the
 * data gives fewer than minTrainSamples samples.
 */
export function trainQuantModel(candlesBySymbol: CandlesBySymbol, asOf: number, opts: QuantOptionsInput = {}): QuantModel | null {
  const options = QuantOptionsSchema.parse(opts);
  return trainFromPanel(buildPanel(closedBy(candlesBySymbol, asOf), options), asOf, options);
}
