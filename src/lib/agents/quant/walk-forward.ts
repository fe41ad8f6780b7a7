import type { CandlesBySymbol } from "./closed-by";
import type { QuantModel } from "./model";
import { DAY_MS, QuantOptionsSchema, type QuantOptions, type QuantOptionsInput } from "./options";
import { buildPanel } from "./panel";
import { scoreFromPanel } from "./score";
import { trainFromPanel } from "./train";

export interface WalkForwardOptions extends QuantOptionsInput {
  /** First prediction day (ms; rounded up to a UTC midnight). */
  start: number;
  /** Last prediction day (inclusive). */
  end: number;
  /** Days between retrains; the first model is trained on the first day enough samples exist. */
  retrainEveryDays?: number;
}

/** An out-of-sample prediction: the model had seen nothing that closed after `modelTrainedAt` ≤ `at`. */
export interface WalkForwardPrediction {
  at: number;
  symbol: string;
  probability: number;
  score: number;
  baseRate: number;
  modelTrainedAt: number;
  /** Realised outcome, for evaluation only; null when the data ends before the horizon. */
  forwardReturn: number | null;
  label: 0 | 1 | null;
}

export interface WalkForwardResult {
  options: QuantOptions;
  predictions: WalkForwardPrediction[];
  models: { trainedAt: number; samples: number; baseRate: number; window: QuantModel["window"] }[];
}

/**
 * Walk-forward evaluation: every day from `start` to `end` the latest model (retrained every
 * `retrainEveryDays` at that day, from the purged window before it) scores the assets. The features
 * panel is built once from all candles; features are point in time and training reads only labels
 * that ended `purgeDays` before its date, so each prediction equals trainQuantModel + scoreQuant on
 * the candles closed by then. Outcomes are attached for evaluation.
 */
export function walkForward(candlesBySymbol: CandlesBySymbol, opts: WalkForwardOptions): WalkForwardResult {
  const { start, end, retrainEveryDays = 30, ...rest } = opts;
  const options = QuantOptionsSchema.parse(rest);
  const panel = buildPanel(candlesBySymbol, options);
  const predictions: WalkForwardPrediction[] = [];
  const models: WalkForwardResult["models"] = [];
  let model: QuantModel | null = null;
  for (let day = Math.ceil(start / DAY_MS) * DAY_MS; day <= end; day += DAY_MS) {
    if (model === null || day - model.trainedAt >= retrainEveryDays * DAY_MS) {
      const next = trainFromPanel(panel, day, options);
      if (next !== null) {
        model = next;
        models.push({ trainedAt: next.trainedAt, samples: next.samples, baseRate: next.baseRate, window: next.window });
      }
    }
    if (model === null) continue;
    const scores = scoreFromPanel(model, panel, day);
    for (const row of panel.byDate.get(day) ?? []) {
      const s = scores[row.symbol];
      if (s === undefined) continue;
      predictions.push({
        at: day,
        symbol: row.symbol,
        probability: s.probability,
        score: s.score,
        baseRate: model.baseRate,
        modelTrainedAt: model.trainedAt,
        forwardReturn: row.forwardReturn,
        label: row.label,
      });
    }
  }
  return { options, predictions, models };
}
