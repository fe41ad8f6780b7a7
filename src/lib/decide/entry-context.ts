import type { EntryContext } from "../execution/position";
import type { Timeframe } from "../market/timeframe";
import { MACRO_MULTIPLIERS } from "../regime/macro-regime";
import type { MacroQuadrant } from "../regime/types";
import type { MarketSnapshot, TickerSnapshot } from "./snapshot-schema";

/** What a position's reviews and the learner compare against: the market and the agents' signals at entry. */
export function entryContextOf(snapshot: MarketSnapshot, symbol: string, tf: Timeframe, signals: Record<string, number>): EntryContext | null {
  const t = snapshot.tickers.find((x) => x.symbol === symbol);
  return t ? tickerEntryContext(t, tf, signals) : null;
}

/** The entry context of one ticker of a snapshot (episodic recall reads the market now the same way). */
export function tickerEntryContext(t: TickerSnapshot, tf: Timeframe, signals: Record<string, number>): EntryContext {
  const ind = t.timeframes[tf];
  const context: EntryContext = {
    regime: t.regime?.trend ?? null,
    atrPct: ind?.atrPct ?? null,
    momentum: ind?.momentum14 ?? null,
    regimeKey: t.regime?.label ?? t.regime?.trend ?? null,
    agentSignals: signals,
  };
  // The macro quadrant's trail multiplier, kept only when it moves the trail (the position's trailing stop reads it).
  const trail = t.regime?.macro ? MACRO_MULTIPLIERS[t.regime.macro as MacroQuadrant]?.trailMultiplier : undefined;
  if (trail !== undefined && trail !== 1) context.trailMultiplier = trail;
  return context;
}
