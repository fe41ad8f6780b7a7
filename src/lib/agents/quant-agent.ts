import { activeScore, inactiveScore } from "./agent-score";
import type { QuantModel, QuantScores } from "./quant/model";
import type { AgentScore } from "./types";

/**
 * The quant agent: the quant ranker's view of one ticker, score = (P(top quantile) − base rate)
 * scaled to [−1, 1] (see probabilityToScore). `scores` is scoreQuant(model, candles, now) for the
 * universe. Inactive without a trained model, or when the ticker has no features at the last daily close.
 */
export function quantAgent(symbol: string, model: QuantModel | null, scores: QuantScores | null): AgentScore {
  if (model === null) return inactiveScore("quant", symbol, "no trained quant model");
  const s = scores?.[symbol];
  const inputs = { trainedAt: model.trainedAt, baseRate: model.baseRate, samples: model.samples };
  if (s === undefined) return inactiveScore("quant", symbol, "no quant features for this ticker at the last daily close", inputs);
  const reason = `P(top quantile over ${model.options.horizonDays}d) ${s.probability.toFixed(3)} vs base rate ${model.baseRate.toFixed(3)} → ${s.score.toFixed(3)}`;
  return activeScore("quant", symbol, s.score, reason, { ...inputs, probability: s.probability, featuresAt: s.at });
}
