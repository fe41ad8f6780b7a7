import { z } from "zod";

const TRENDS = ["trending_up", "trending_down", "ranging"] as const;
const VOLATILITIES = ["calm", "normal", "volatile"] as const;

/**
 * When an agent may vote, given the ticker's regime. Every condition given must hold; an empty rule
 * means always. Without a regime (none detected yet) an agent with any condition sits out.
 */
export const ActivationRuleSchema = z.object({
  trends: z.array(z.enum(TRENDS)).optional(),
  volatilities: z.array(z.enum(VOLATILITIES)).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
});
export type ActivationRule = z.infer<typeof ActivationRuleSchema>;

/**
 * The default activation table, after seed 002's conditional agents (base agents always on; a
 * trend-reading agent only in trends, a state-reading agent only when the regime is clear):
 *
 * | agent       | votes when                                  | why                                                      |
 * |-------------|---------------------------------------------|----------------------------------------------------------|
 * | quant       | always                                      | cross-sectional ranking, regime-free                      |
 * | market      | always                                      | the strategies already switch on regime themselves        |
 * | sentiment   | always                                      | behavioural signal (inactive anyway without a source)     |
 * | derivatives | always                                      | positioning matters in every regime                       |
 * | momentum    | trend trending_up or trending_down          | momentum pays in trends and whipsaws in ranges (seed 001) |
 * | regime      | regime confidence ≥ 0.5                     | a muddled regime is noise (seed 002's Markov rule); unlike |
 * |             |                                             | that rule it also votes when volatile, which is when its   |
 * |             |                                             | defensive bias matters                                     |
 */
const DEFAULT_ACTIVATION = {
  quant: {},
  market: {},
  sentiment: {},
  derivatives: {},
  momentum: { trends: ["trending_up", "trending_down"] },
  regime: { minConfidence: 0.5 },
} satisfies Record<string, ActivationRule>;

const rule = (d: ActivationRule) => ActivationRuleSchema.default(d);
const weight = (d: number) => z.number().min(0).default(d);

/**
 * Synthesizer settings. `defaultWeights` are the seed's starting weights (quant 0.35, market 0.24,
 * momentum 0.18, sentiment 0.12, regime 0.11; they sum to 1). The derivatives agent starts at 0: the
 * seed uses it as context, not as a voter, and it gains weight only through the learner's posteriors
 * once its signals prove aligned with outcomes. A zero-weight agent neither moves the score nor counts
 * as agreeing.
 */
export const SynthesizerConfigSchema = z
  .object({
    buyThreshold: z.number().default(0.35),
    sellThreshold: z.number().default(-0.2),
    /** BUY/SELL also need this many voting agents whose score has the action's sign. */
    minAgreeing: z.number().int().min(1).default(2),
    defaultWeights: z
      .object({ quant: weight(0.35), market: weight(0.24), momentum: weight(0.18), sentiment: weight(0.12), regime: weight(0.11), derivatives: weight(0) })
      .default({ quant: 0.35, market: 0.24, momentum: 0.18, sentiment: 0.12, regime: 0.11, derivatives: 0 }),
    activation: z
      .object({
        quant: rule(DEFAULT_ACTIVATION.quant),
        market: rule(DEFAULT_ACTIVATION.market),
        momentum: rule(DEFAULT_ACTIVATION.momentum),
        sentiment: rule(DEFAULT_ACTIVATION.sentiment),
        regime: rule(DEFAULT_ACTIVATION.regime),
        derivatives: rule(DEFAULT_ACTIVATION.derivatives),
      })
      .default(DEFAULT_ACTIVATION),
  })
  .refine((c) => c.sellThreshold < c.buyThreshold, { message: "sellThreshold must be below buyThreshold" });
export type SynthesizerConfig = z.infer<typeof SynthesizerConfigSchema>;

export const DEFAULT_SYNTHESIZER_CONFIG: SynthesizerConfig = SynthesizerConfigSchema.parse({});
