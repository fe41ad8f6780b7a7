import { timeframeIndicators } from "../decide/timeframe-indicators";
import type { TimeframeIndicators } from "../decide/snapshot-schema";
import type { EntryContext } from "../execution/position";
import type { Candle } from "../market/candle";
import { TIMEFRAME_MS, type Timeframe } from "../market/timeframe";
import { classifyTrend } from "../regime/trend";
import type { ReviewFacts } from "./position-evaluator";

export interface ReviewSubject {
  entryPrice: number;
  peakPrice: number;
  lastPrice: number;
  openedAt: number;
  at: number;
  entryContext: EntryContext | null;
}

/**
 * What a position review looks at, point in time at `subject.at`: the decision timeframe's
 * indicators and trend now versus at entry, and BTC's last hourly return (market-wide risk).
 */
export function reviewFactsFrom(
  subject: ReviewSubject,
  decisionCandles: readonly Candle[],
  btcHourly: readonly Candle[],
  tf: Timeframe,
  trendingAt: number,
): { facts: ReviewFacts; indicators: TimeframeIndicators | null } {
  const closed = decisionCandles.filter((c) => c.t + TIMEFRAME_MS[tf] <= subject.at);
  const last = closed[closed.length - 1];
  const indicators = last ? timeframeIndicators(closed, last.t + TIMEFRAME_MS[tf]) : null;
  const regime = closed.length > 0 ? classifyTrend(closed.map((c) => c.c), 14, trendingAt).regime : null;
  const hours = btcHourly.filter((c) => c.t + TIMEFRAME_MS["1h"] <= subject.at);
  const a = hours[hours.length - 2];
  const b = hours[hours.length - 1];
  return {
    facts: {
      entryPrice: subject.entryPrice,
      peakPrice: subject.peakPrice,
      price: subject.lastPrice,
      heldMs: subject.at - subject.openedAt,
      entryRegime: subject.entryContext?.regime ?? null,
      regime,
      entryAtrPct: subject.entryContext?.atrPct ?? null,
      atrPct: indicators?.atrPct ?? null,
      entryMomentum: subject.entryContext?.momentum ?? null,
      momentum: indicators?.momentum14 ?? null,
      btcReturn1h: a && b ? b.c / a.c - 1 : null,
    },
    indicators,
  };
}
