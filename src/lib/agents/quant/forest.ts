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
 * ml-cart evaluates every split point with a pass over the node's samples, so training time grows
 * with the square of the sample count (see QuantOptions.sampleStrideDays).
 */
export function fitForest(X: number[][], y: readonly (0 | 1)[], opts: ForestOptions): ForestJson {
  if (X.length === 0 || X.length !== y.length) throw new Error(`forest: need matching non-empty samples and labels, got ${X.length} and ${y.length}`);
  // The library reads maxFeatures in (0, 1] as a share of the columns; a share that rounds to no column would train empty trees.
  if (Math.floor((X[0]?.length ?? 0) * opts.maxFeatures) < 1) throw new Error(`forest: maxFeatures ${opts.maxFeatures} selects no feature`);
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
  const json = JSON.parse(JSON.stringify(forest.toJSON())) as ForestJson;
  const estimators = json.baseModel["estimators"] as { root: unknown }[];
  for (const tree of estimators) tree.root = compactNode(tree.root);
  return json;
}

/**
 * Keeps what loading and classifying a tree read (split column and value, children, leaf class
 * distribution) and drops the options and statistics ml-cart repeats in every node: a third of the size.
 */
function compactNode(node: unknown): unknown {
  const n = node as { distribution?: unknown; splitColumn?: number; splitValue?: number; left?: unknown; right?: unknown };
  if (n.distribution !== undefined) return { distribution: n.distribution };
  return { splitColumn: n.splitColumn, splitValue: n.splitValue, left: compactNode(n.left), right: compactNode(n.right) };
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
