import type { Candle } from "../../src/lib/market/candle";
import type { MarketContext } from "./context";
import { dec, MINUTE } from "./intervals";
import { closedSeries, formingCandle } from "./klines";
import { firstIndex, symbolData } from "./market-data";

const DAY = 86_400_000;
const M15 = 900_000;

/** Closed candles of a series with open time >= from and close <= to. */
function between(series: readonly Candle[], ms: number, from: number, to: number): Candle[] {
  const lo = firstIndex(series.length, (i) => series[i]!.t >= from);
  const hi = firstIndex(series.length, (i) => series[i]!.t + ms > to);
  return series.slice(lo, Math.max(lo, hi));
}

/** Close of the candle of `series` that ends exactly at `t`, if there is one. */
function closeEndingAt(series: readonly Candle[], ms: number, t: number): number | undefined {
  const i = firstIndex(series.length, (j) => series[j]!.t >= t) - 1;
  const c = series[i];
  return c && c.t + ms === t ? c.c : undefined;
}

/**
 * Rolling 24h statistics from the candles visible at T: 1m data, completed with shipped 15m candles where the
 * window reaches before the 1m data. Quote volume, VWAP, trade ids/counts and sizes are unknown and zero.
 */
export function ticker24hr(ctx: MarketContext, symbol: string): unknown {
  const T = ctx.now();
  const from = T - DAY;
  const s1 = closedSeries(symbol, "1m", MINUTE);
  const s15 = closedSeries(symbol, "15m", M15);
  const m1 = between(s1, MINUTE, from, T);
  const forming = formingCandle(symbolData(symbol), MINUTE, T, ctx.partials);
  if (forming && forming.v > 0) m1.push(forming);
  const firstT = m1[0]?.t ?? T;
  const candles = [...between(s15, M15, from, firstT), ...m1];
  const last = ctx.price(symbol);
  const open = candles[0]?.o ?? last;
  const t0 = candles[0]?.t ?? T;
  const prevClose = closeEndingAt(s1, MINUTE, t0) ?? closeEndingAt(s15, M15, t0) ?? open;
  let high = last;
  let low = last;
  let volume = 0;
  for (const c of candles) {
    high = Math.max(high, c.h);
    low = Math.min(low, c.l);
    volume += c.v;
  }
  return {
    symbol,
    priceChange: dec(last - open),
    priceChangePercent: (((last - open) / open) * 100).toFixed(3),
    weightedAvgPrice: dec(0),
    prevClosePrice: dec(prevClose),
    lastPrice: dec(last),
    lastQty: dec(0),
    bidPrice: dec(last),
    bidQty: dec(0),
    askPrice: dec(last),
    askQty: dec(0),
    openPrice: dec(open),
    highPrice: dec(high),
    lowPrice: dec(low),
    volume: dec(volume),
    quoteVolume: dec(0),
    openTime: t0,
    closeTime: T,
    firstId: 0,
    lastId: 0,
    count: 0,
  };
}

export function tickerPrice(ctx: MarketContext, symbol: string): unknown {
  return { symbol, price: dec(ctx.price(symbol)) };
}

/** Best bid/ask: both at the last price with unknown (zero) size. */
export function bookTicker(ctx: MarketContext, symbol: string): unknown {
  const p = dec(ctx.price(symbol));
  return { symbol, bidPrice: p, bidQty: dec(0), askPrice: p, askQty: dec(0) };
}
