import type { Candle } from "../../src/lib/market/candle";
import { dec, intervalMs } from "./intervals";
import type { Tick } from "./ticks";

export type StreamSpec = { kind: "kline"; symbol: string; interval: string; ms: number } | { kind: "aggTrade"; symbol: string };

/**
 * Parses `<symbol>@kline_<interval>` or `<symbol>@aggTrade` (symbol case-insensitive). Anything else, or a
 * symbol the session does not replay, yields undefined: such streams are accepted and stay silent, as Binance
 * does for well-formed names of unknown symbols.
 */
export function parseStream(name: string, symbols: readonly string[]): StreamSpec | undefined {
  const at = name.indexOf("@");
  if (at <= 0) return undefined;
  const symbol = name.slice(0, at).toUpperCase();
  const rest = name.slice(at + 1);
  if (!symbols.includes(symbol)) return undefined;
  if (rest === "aggTrade") return { kind: "aggTrade", symbol };
  if (rest.startsWith("kline_")) {
    const interval = rest.slice("kline_".length);
    const ms = intervalMs(interval);
    if (ms !== undefined) return { kind: "kline", symbol, interval, ms };
  }
  return undefined;
}

/** Binance kline stream event; trade ids/counts, quote and taker volumes are unknown and sent as zero. */
export function klineEvent(symbol: string, interval: string, ms: number, E: number, c: Candle, closed: boolean): string {
  return JSON.stringify({
    e: "kline",
    E,
    s: symbol,
    k: {
      t: c.t,
      T: c.t + ms - 1,
      s: symbol,
      i: interval,
      f: 0,
      L: 0,
      o: dec(c.o),
      c: dec(c.c),
      h: dec(c.h),
      l: dec(c.l),
      v: dec(c.v),
      n: 0,
      x: closed,
      q: dec(0),
      V: dec(0),
      Q: dec(0),
      B: "0",
    },
  });
}

/** One aggregate trade per replay frame: the current path price and the volume revealed since the last frame. */
export function aggTradeEvent(t: Tick): string {
  return JSON.stringify({
    e: "aggTrade",
    E: t.E,
    s: t.symbol,
    a: t.tradeId,
    p: dec(t.price),
    q: dec(t.qty),
    f: t.tradeId,
    l: t.tradeId,
    T: t.E,
    m: t.price < t.prevPrice,
    M: true,
  });
}

export function combined(stream: string, payload: string): string {
  return `{"stream":${JSON.stringify(stream)},"data":${payload}}`;
}
