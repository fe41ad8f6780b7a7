export { LearnerConfigSchema, DEFAULT_LEARNER_CONFIG, DEFAULT_AGENT_WEIGHTS, type LearnerConfig } from "./config";
export { emptyLearnerState, priorPosterior, LearnerStateSchema, type LearnerState, type Posterior, type PosteriorMap, type RegimeBucket } from "./state";
export { outcomeReward, alignment } from "./reward";
export { recordOutcome, type TradeOutcome } from "./update";
export { effectivePosterior, posteriorMean, posteriorSource, posteriorIn } from "./posterior";
export { sampleBeta, sampleGamma, sampleLogGamma, sampleNormal } from "./beta";
export { sampleWeights, meanWeights, type MeanWeights, type SampledWeights, type WeightSource } from "./sample";
