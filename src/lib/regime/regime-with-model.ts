import type { Candle } from "../market/candle";
import { MIN_DAILY_OBSERVATIONS, type DailyRegimeModel } from "./daily-model";
import { detectRegime } from "./detect-regime";
import type { CombinedRegime } from "./types";

const DAY = 86_400_000;

/**
 * The regime now from daily candles, reusing an HMM fitted earlier while no new daily candle closed
 * (a fit costs ~0.1–0.2 s) and refitting otherwise; with `last`, the previous answer for the same
 * daily close is returned as is. Returns the model and the close it stands for. Fewer than 60 closed
 * days: no regime.
 */
export function regimeWithModel(
  daily: readonly Candle[],
  now: number,
  opts: { hmm: boolean; seed: number; cached: DailyRegimeModel | null; last?: { through: number; regime: CombinedRegime | null } | null },
): { regime: CombinedRegime | null; model: DailyRegimeModel | null; through: number | null } {
  const closed = daily.filter((c) => c.t + DAY <= now);
  if (closed.length < 60) return { regime: null, model: opts.cached, through: null };
  const lastT = closed[closed.length - 1]!.t;
  // The regime reads daily closes only: until the next one, the last answer stands.
  if (opts.last && opts.last.through === lastT) return { regime: opts.last.regime, model: opts.cached, through: lastT };
  const useHmm = opts.hmm && closed.length >= MIN_DAILY_OBSERVATIONS;
  const hmm = !useHmm ? null : opts.cached && opts.cached.fittedThrough === lastT ? { model: opts.cached } : { seed: opts.seed };
  const r = detectRegime(closed, { now, hmm });
  return { regime: r.regime, model: useHmm ? r.model : opts.cached, through: lastT };
}
