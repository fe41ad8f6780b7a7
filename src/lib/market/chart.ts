import type { Candle } from "./candle";
import { ema } from "./indicators/ema";
import { rsi } from "./indicators/rsi";

export interface ChartMarker {
  at: number;
  price: number;
  kind: "entry" | "exit";
  positionId: string;
  decisionId: string | null;
  /** For exits: how it closed (hard_stop, decision, …); for entries: "open" while the position is. */
  detail: string;
}

export interface ChartPoint {
  t: number;
  v: number;
}

/** A closed round trip as the trades history keeps it (the fields a chart marks). */
export interface ChartTrade {
  id: string;
  decision_id: string;
  agent: string;
  entry_at: number;
  entry_price: number;
  exit_at: number;
  exit_price: number;
  exit_kind: string;
}

/** An open position of the book (the fields a chart marks). */
export interface ChartOpenPosition {
  id: string;
  symbol: string;
  status: string;
  openedAt: number;
  entryPrice: number;
}

/** Entry and exit markers of `symbol`'s closed trades, and an entry marker for each of its open positions. */
export function chartMarkers(symbol: string, trades: readonly ChartTrade[], positions: readonly ChartOpenPosition[]): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const t of trades) {
    markers.push({ at: t.entry_at, price: t.entry_price, kind: "entry", positionId: t.id, decisionId: t.decision_id, detail: t.agent });
    markers.push({ at: t.exit_at, price: t.exit_price, kind: "exit", positionId: t.id, decisionId: t.decision_id, detail: t.exit_kind });
  }
  for (const p of positions) if (p.symbol === symbol && p.status === "open") markers.push({ at: p.openedAt, price: p.entryPrice, kind: "entry", positionId: p.id, decisionId: null, detail: "open" });
  return markers;
}

/** How many candles before the first shown one the indicators need to settle (EMA 50, RSI 14). */
export const CHART_WARMUP = 100;

/**
 * Candles with their entry/exit markers and indicators (EMA 20, EMA 50, RSI 14) for a chart: `candles` holds up to
 * CHART_WARMUP more than are shown, for the indicators to settle; markers outside the shown range are dropped.
 */
export function buildChart(candles: readonly Candle[], shown: number, markers: readonly ChartMarker[]) {
  const closes = candles.map((c) => c.c);
  const series = (values: (number | null)[]): ChartPoint[] => {
    const out: ChartPoint[] = [];
    for (let i = Math.max(0, candles.length - shown); i < candles.length; i++) if (values[i] !== null && values[i] !== undefined) out.push({ t: candles[i]!.t, v: values[i]! });
    return out;
  };
  const visible = candles.slice(Math.max(0, candles.length - shown));
  const from = visible[0]?.t ?? Infinity;
  return {
    candles: visible,
    markers: markers.filter((m) => m.at >= from).sort((a, b) => a.at - b.at),
    indicators: { ema20: series(ema(closes, 20)), ema50: series(ema(closes, 50)), rsi14: series(rsi(closes, 14)) },
  };
}
