import type { Candle } from "../market/candle";
import type { TickFeatures, TickFeatureTracker } from "../market/tick-features";
import type { Timeframe } from "../market/timeframe";
import type { MaterialityConfig } from "../config";
import { materialStep, type MaterialityState } from "./materiality";

const NOTHING_CLOSED = { hour: false, decision: false } as const;

/**
 * Closed minutes from before the start (oldest first) through a market's tick features and materiality check, as a
 * ticker takes its bootstrapped history and a backtest its warm-up: they fill the windows, and the moves they show are
 * past, not news. `closed` answers the higher-timeframe candles as they stand at the start. Answers the materiality
 * state and the features of the last minute (null without one); the features are fed in place.
 */
export function warmStart(
  features: TickFeatureTracker,
  material: MaterialityState,
  symbol: string,
  minutes: readonly Candle[],
  cfg: { material: MaterialityConfig; decisionTimeframe: Timeframe },
  closed: (tf: Timeframe, n: number) => readonly Candle[],
  minuteMs: number,
): { material: MaterialityState; latest: TickFeatures | null } {
  let state = material;
  let latest: TickFeatures | null = null;
  for (const m of minutes) {
    latest = features.closeMinute(m, m.t + minuteMs);
    state = materialStep(state, symbol, m, minuteMs, cfg.material, cfg.decisionTimeframe, NOTHING_CLOSED, closed).state;
  }
  return { material: state, latest };
}
