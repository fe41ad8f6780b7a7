export { baumWelch, type BaumWelchResult } from "./baum-welch";
export { fitHmm } from "./fit-hmm";
export { forwardBackward, type ForwardBackwardResult } from "./forward-backward";
export { hmmLogLikelihood, posteriors } from "./posteriors";
export { hmmBic, hmmParameterCount, selectHmm, type HmmSelection, type SelectHmmOptions } from "./select-hmm";
export { DEFAULT_EM_OPTIONS, type EmOptions, type FitHmmOptions, type HmmModel, type HmmParams } from "./types";
export { viterbi } from "./viterbi";
