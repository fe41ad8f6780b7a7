import { RandomForestClassifier } from "ml-random-forest";
import type { ForestOptions } from "./options";

/** A trained ml-random-forest classifier as plain JSON (`toJSON()` after a JSON round trip). */
export interface ForestJson {
  name: "RFClassifier";
  baseModel: Record<string, unknown>;
}

/** The parts of a loaded forest that soft voting reads (ml-random-forest's typings omit them). */
interface ForestInternals {
  indexes: number[][];
  estimators: { root: { classify(row: number[]): { columns: number; get(row: number, column: number): number } } }[];
}

/**
 * Trains a seeded random forest (ml-random-forest over ml-cart trees) on 0/1 labels. Sample bagging
 * and per-tree feature bagging both draw from Mersenne Twisters seeded from `opts.seed`, so training
 * is deterministic; out-of-bag scoring is skipped (it is slow and unused). Returns plain JSON: the
 * library's own toJSON() still holds TreeNode and Matrix instances, which storage would not restore.
 */
export function fitForest(X: number[][], y: readonly (0 | 1)[], opts: ForestOptions): ForestJson {
  if (X.length === 0 || X.length !== y.length) throw new Error(`forest: need matching non-empty samples and labels, got ${X.length} and ${y.length}`);
  const forest = new RandomForestClassifier({
    nEstimators: opts.nEstimators,
    maxFeatures: opts.maxFeatures,
    replacement: false,
    seed: opts.seed,
    useSampleBagging: true,
    noOOB: true,
    treeOptions: { maxDepth: opts.maxDepth, minNumSamples: opts.minNumSamples },
  });
  forest.train(X, [...y]);
  return JSON.parse(JSON.stringify(forest.toJSON())) as ForestJson;
}

/**
 * P(label 1) of each row by soft voting: the mean over trees of the class-1 share of the training
 * samples in the leaf the row falls into (like scikit-learn's predict_proba). ml-random-forest's own
 * predictProbability counts hard votes and mis-seeds its sum with the first tree's label, so it is not
 * used. A leaf that only ever saw class 0 has a one-column distribution: share 0.
 */
export function forestProbabilities(json: ForestJson, rows: readonly (readonly number[])[]): number[] {
  const forest = RandomForestClassifier.load(json as unknown as Parameters<typeof RandomForestClassifier.load>[0]) as unknown as ForestInternals;
  return rows.map((row) => {
    let sum = 0;
    forest.estimators.forEach((tree, i) => {
      const columns = forest.indexes[i]!;
      const leaf = tree.root.classify(columns.map((c) => row[c]!));
      sum += leaf.columns > 1 ? leaf.get(0, 1) : 0;
    });
    return sum / forest.estimators.length;
  });
}
