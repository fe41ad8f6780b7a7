import { timeframeIndicators } from "../decide/timeframe-indicators";
import type { TimeframeIndicators } from "../decide/snapshot-schema";
import type { EntryContext } from "../execution/position";
import type { Candle } from "../market/candle";
import { closedBy } from "../market/closed";
import { perWindow } from "../market/window-memo";
import { TIMEFRAME_MS, type Timeframe } from "../market/timeframe";
import { classifyTrend, type TrendRegime } from "../regime/trend";
import type { ReviewFacts } from "./position-evaluator";
import type { PositionSide } from "../futures/side";

export interface ReviewSubject {
  /** Absent: a long. */
  side?: PositionSide | undefined;
  entryPrice: number;
  peakPrice: number;
  lastPrice: number;
  openedAt: number;
  at: number;
  entryContext: EntryContext | null;
}

/** The decision timeframe's indicators and trend on a window of closed candles. */
function windowFacts(closed: readonly Candle[], tf: Timeframe, trendingAt: number): { indicators: TimeframeIndicators | null; regime: TrendRegime | null } {
  const last = closed[closed.length - 1];
  return {
    indicators: last ? timeframeIndicators(closed, last.t + TIMEFRAME_MS[tf]) : null,
    regime:
      closed.length > 0
        ? classifyTrend(
            closed.map((c) => c.c),
            14,
            trendingAt,
          ).regime
        : null,
  };
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
  const { indicators, regime } = perWindow(closedBy(decisionCandles, tf, subject.at), `review ${tf}`, trendingAt, (closed) => windowFacts(closed, tf, trendingAt));
  const hours = closedBy(btcHourly, "1h", subject.at);
  const a = hours[hours.length - 2];
  const b = hours[hours.length - 1];
  return {
    facts: {
      ...(subject.side === "short" ? { side: "short" as const } : {}),
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
