export type TrendState = "trending_up" | "trending_down" | "ranging";
export type VolatilityState = "calm" | "normal" | "volatile";
export type MacroQuadrant = "GOLDILOCKS" | "REFLATION" | "STAGFLATION" | "DEFLATION" | "UNKNOWN";

/** The combined regime of one market (or the market as a whole) at one time. */
export interface CombinedRegime {
  trend: TrendState;
  volatility: VolatilityState;
  /** Most likely HMM state now (0 = lowest volatility), null when no model was fitted. */
  hmmState: number | null;
  hmmStates: number | null;
  macro: MacroQuadrant;
  /** Position-size multiplier from the macro quadrant (1.2 / 1.0 / 0.6 / 0.9 / 1.0 unknown). */
  exposureScale: number;
  /** Trailing-stop multiplier from the macro quadrant (1.0 / 1.0 / 0.75 / 0.9 / 1.0 unknown). */
  trailMultiplier: number;
  /** The key the learner keeps posteriors under, e.g. "trending_up" or "ranging". */
  learnerKey: string;
  /** In [0, 1]: how clearly the inputs point at this regime. */
  confidence: number;
  inputs: Record<string, number | string | null>;
  at: number;
}

/** The HMM's view of now: most likely state (0 = lowest volatility) of `states`, and its probability. */
export interface HmmReading {
  state: number;
  states: number;
  probability: number;
}
