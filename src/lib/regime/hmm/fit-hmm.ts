import { seededRng } from "../../util/rng";
import { baumWelchFlat, varianceFloors } from "./baum-welch";
import { initFromLabels } from "./init-from-labels";
import { kmeansLabels } from "./kmeans-labels";
import { flattenObservations } from "./observations";
import { orderStates } from "./order-states";
import { quantileLabels } from "./quantile-labels";
import { DEFAULT_EM_OPTIONS, type FitHmmOptions, type HmmModel } from "./types";

/**
 * Fits a K-state diagonal Gaussian HMM by Baum–Welch with restarts and keeps the most likely run.
 * Run 0 starts from K quantile bins of the ordering feature (deterministic); runs 1.. start from
 * k-means++ labellings drawn with `seededRng(seed)`, so the same seed gives the same model.
 */
export function fitHmm(obs: readonly (readonly number[])[], k: number, opts: FitHmmOptions = {}): HmmModel {
  if (!Number.isInteger(k) || k < 1) throw new Error(`hmm: states must be an integer >= 1, got ${k}`);
  const flat = flattenObservations(obs);
  if (flat.T <= k) throw new Error(`hmm: ${flat.T} observations cannot fit ${k} states`);
  const em = { ...DEFAULT_EM_OPTIONS, ...opts };
  const orderFeature = opts.orderFeature ?? flat.D - 1;
  if (!Number.isInteger(orderFeature) || orderFeature < 0 || orderFeature >= flat.D) throw new Error(`hmm: no feature ${orderFeature} to order states by`);
  const restarts = Math.max(1, opts.restarts ?? 4);
  const rng = seededRng(opts.seed ?? 1);
  const floors = varianceFloors(flat, em.varianceFloor);

  let best: HmmModel | null = null;
  for (let r = 0; r < restarts; r++) {
    const labels = r === 0 ? quantileLabels(flat, k, orderFeature) : kmeansLabels(flat, k, rng);
    const { model } = baumWelchFlat(flat, initFromLabels(flat, labels, k), em, floors);
    if (best === null || model.logLikelihood > best.logLikelihood) best = model;
  }
  return orderStates(best!, orderFeature);
}
