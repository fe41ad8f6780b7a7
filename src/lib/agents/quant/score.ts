import { closedBy, type CandlesBySymbol } from "./closed-by";
import { forestProbabilities } from "./forest";
import type { QuantModel, QuantScores } from "./model";
import { DAY_MS } from "./options";
import { buildPanel, type QuantPanel } from "./panel";

/**
 * Maps P(top quantile) to an agent score in [−1, 1] around the base rate b: (p − b)/(1 − b) above it,
 * (p − b)/b below it, so p = b is 0 (no view), p = 1 is +1 and p = 0 is −1.
 */
export function probabilityToScore(probability: number, baseRate: number): number {
  if (!(baseRate > 0 && baseRate < 1)) return 0;
  const d = probability - baseRate;
  return Math.max(-1, Math.min(1, d >= 0 ? d / (1 - baseRate) : d / baseRate));
}

/** Scores the panel rows of the last daily close at or before `asOf`; assets without a row there are left out. */
export function scoreFromPanel(model: QuantModel, panel: QuantPanel, asOf: number): QuantScores {
  const at = Math.floor(asOf / DAY_MS) * DAY_MS;
  const rows = panel.byDate.get(at) ?? [];
  if (rows.length === 0) return {};
  if (panel.featureNames.join() !== model.featureNames.join()) throw new Error("quant: panel features differ from the model's");
  const probabilities = forestProbabilities(
    model.forest,
    rows.map((r) => r.features),
  );
  const out: QuantScores = {};
  rows.forEach((row, i) => {
    const probability = probabilities[i]!;
    out[row.symbol] = { probability, score: probabilityToScore(probability, model.baseRate), at };
  });
  return out;
}

/**
 * The ranker's scores at `asOf`: features of the daily candle that closed at the last UTC midnight at
 * or before `asOf`, from candles closed by then only, normalised as the model was trained. Assets with
 * no features that day (warming up, stale data, fewer than minAssets in the cross-section) are absent.
 */
export function scoreQuant(model: QuantModel, candlesBySymbol: CandlesBySymbol, asOf: number): QuantScores {
  return scoreFromPanel(model, buildPanel(closedBy(candlesBySymbol, asOf), model.options), asOf);
}
