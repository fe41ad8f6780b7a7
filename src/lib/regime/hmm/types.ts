/** Parameters of a Gaussian HMM with diagonal covariances: K states, D features, plain arrays. */
export interface HmmParams {
  /** Initial state probabilities, length K. */
  pi: number[];
  /** Transitions: A[i][j] = P(state j next | state i now); rows sum to 1. */
  A: number[][];
  /** K × D. */
  means: number[][];
  /** K × D diagonal variances. */
  variances: number[][];
}

/** A fitted model: JSON-serialisable, states ordered by ascending mean of the ordering feature. */
export interface HmmModel extends HmmParams {
  /** Log-likelihood of the training observations under these exact parameters. */
  logLikelihood: number;
  /** EM (M-step) iterations of the winning restart. */
  iterations: number;
  converged: boolean;
}

export interface EmOptions {
  maxIterations: number;
  /** Stop when one iteration improves the log-likelihood by less than `tol` per observation. */
  tol: number;
  /** Variance floor as a fraction of each feature's variance over all observations. */
  varianceFloor: number;
}

export const DEFAULT_EM_OPTIONS: EmOptions = { maxIterations: 300, tol: 1e-6, varianceFloor: 1e-3 };

export interface FitHmmOptions extends Partial<EmOptions> {
  /** Seed of the Rng that draws the k-means++ restarts; default 1. */
  seed?: number;
  /** EM runs: one from quantiles of the ordering feature, the rest from k-means++ (default 4). */
  restarts?: number;
  /** Feature whose state means order the labels (state 0 = lowest); default the last one. */
  orderFeature?: number;
}
