export { activeAgents } from "./activation";
export { ActivationRuleSchema, DEFAULT_SYNTHESIZER_CONFIG, SynthesizerConfigSchema, type ActivationRule, type SynthesizerConfig } from "./config";
export { orderActions } from "./order-actions";
export { synthesize } from "./synthesize";
export type { Contribution, SynthesisAction, SynthesisResult } from "./types";
