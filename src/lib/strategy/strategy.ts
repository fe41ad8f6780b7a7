import type { z } from "zod";
import type { Candle } from "../market/candle";
import type { Timeframe } from "../market/timeframe";
import type { CombinedRegime } from "../regime/types";

export type SignalAction = "LONG" | "SHORT" | "CLOSE" | "PASS";

/** What a strategy says about one market at one time; PASS is a signal too (it is stored). */
export interface Signal {
  strategy: string;
  symbol: string;
  action: SignalAction;
  /** In [0, 1]; 0 for PASS. */
  confidence: number;
  reason: string;
  metadata: Record<string, number | string | boolean | null>;
  /** Engine time the signal was computed for. */
  at: number;
}

export interface StampedPoint {
  at: number;
  value: number;
}

/** Everything a strategy may look at, point in time: nothing in it is later than `now`. */
export interface StrategyContext {
  symbol: string;
  now: number;
  /** Closed candles per timeframe, oldest first. */
  candles: Partial<Record<Timeframe, Candle[]>>;
  /** Settled USD-M funding rates (fraction per interval), oldest first. */
  funding: StampedPoint[];
  /** Open interest (base units), oldest first; null when no source provides it. */
  openInterest: StampedPoint[] | null;
  regime: CombinedRegime | null;
  /** The open position in `symbol`, if any; `side` absent means LONG; `carry`: the symbol holds a funding carry (both legs). */
  position: { entryPrice: number; openedAt: number; side?: "LONG" | "SHORT"; carry?: boolean } | null;
}

/**
 * A pluggable strategy: write one object, add it to the registry, done. `params` is a zod schema whose
 * defaults make `params.parse({})` valid; the engine passes the parsed, configured parameters.
 */
export interface Strategy<P extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** Unified symbols it applies to, or "all". */
  assets: "all" | readonly string[];
  timeframe: Timeframe;
  /** Whether it runs when the engine config does not mention it; absent means true. */
  enabledByDefault?: boolean;
  /** Whether it reads settled funding rates (without any it passes); absent means false. */
  readsFunding?: boolean;
  /**
   * Whether its SHORT means the funding carry (spot long + perpetual short of equal notional, collecting positive
   * funding) rather than a naked short, where the market allows shorts; a carry held is closed when the signal is not SHORT.
   */
  carry?: boolean;
  params: P;
  evaluate(ctx: StrategyContext, params: z.infer<P>): Signal;
}
