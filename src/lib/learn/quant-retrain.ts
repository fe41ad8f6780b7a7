import { alignedContiguousHistory } from "../agents/quant/contiguous";
import { FEATURE_WARMUP } from "../agents/quant/feature-names";
import type { QuantModel } from "../agents/quant/model";
import { trainQuantModel } from "../agents/quant/train";
import type { EngineConfig } from "../config";
import type { Candle } from "../market/candle";

const DAY = 86_400_000;

export type QuantRetrain = { trained: true; model: QuantModel; reason: string } | { trained: false; reason: "waiting" | "not due" | "too short"; detail: string; asOf: number | null };

/**
 * The quant ranker's retraining on the universe's daily candles, for the LearnerActor and the backtester: trained once
 * the newest closed day of an unbroken history is `retrainEveryDays` past the last training (`lastTrainedAt`), or at
 * once when `force`d. Says why when it is not.
 */
export function retrainQuant(daily: Record<string, readonly Candle[]>, lastTrainedAt: number | null, quant: EngineConfig["quant"], force = false): QuantRetrain {
  const o = quant.options;
  const history = alignedContiguousHistory(daily, FEATURE_WARMUP + o.horizonDays + o.purgeDays + 30);
  if (!history) return { trained: false, reason: "waiting", detail: "no unbroken daily history long enough yet", asOf: null };
  if (!force && lastTrainedAt !== null && history.asOf - lastTrainedAt < quant.retrainEveryDays * DAY) return { trained: false, reason: "not due", detail: "not due", asOf: history.asOf };
  const model = trainQuantModel(history.candles, history.asOf, o);
  if (!model) return { trained: false, reason: "too short", detail: "not enough history for the training window", asOf: history.asOf };
  return { trained: true, model, reason: force ? "retrained on request" : "due" };
}
