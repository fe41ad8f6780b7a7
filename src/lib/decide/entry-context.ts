import type { EntryContext } from "../execution/position";
import type { Timeframe } from "../market/timeframe";
import type { MarketSnapshot, TickerSnapshot } from "./snapshot-schema";

/** What a position's reviews and the learner compare against: the market and the agents' signals at entry. */
export function entryContextOf(snapshot: MarketSnapshot, symbol: string, tf: Timeframe, signals: Record<string, number>): EntryContext | null {
  const t = snapshot.tickers.find((x) => x.symbol === symbol);
  return t ? tickerEntryContext(t, tf, signals) : null;
}

/** The entry context of one ticker of a snapshot (episodic recall reads the market now the same way). */
export function tickerEntryContext(t: TickerSnapshot, tf: Timeframe, signals: Record<string, number>): EntryContext {
  const ind = t.timeframes[tf];
  return { regime: t.regime?.trend ?? null, atrPct: ind?.atrPct ?? null, momentum: ind?.momentum14 ?? null, regimeKey: t.regime?.label ?? t.regime?.trend ?? null, agentSignals: signals };
}
