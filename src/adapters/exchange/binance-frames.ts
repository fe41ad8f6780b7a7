import { z } from "zod";
import type { Candle } from "../../lib/market/candle";

const KlineEventSchema = z.object({
  e: z.literal("kline"),
  E: z.number().int().nonnegative(),
  s: z.string(),
  k: z.object({
    t: z.number().int().nonnegative(),
    T: z.number().int().nonnegative(),
    s: z.string(),
    i: z.string(),
    o: z.string(),
    c: z.string(),
    h: z.string(),
    l: z.string(),
    v: z.string(),
    x: z.boolean(),
  }),
});

const CombinedSchema = z.object({ stream: z.string(), data: z.unknown() });
const ControlSchema = z.object({ id: z.union([z.number(), z.string(), z.null()]), result: z.unknown() });

export interface KlineUpdate {
  symbol: string;
  interval: string;
  eventTime: number;
  candle: Candle;
  closed: boolean;
}

export type FrameDropReason =
  | "invalid_json"
  | "schema"
  | "not_a_number"
  | "non_positive_price"
  | "high_below_low"
  | "ohlc_outside_range"
  | "wrong_symbol"
  | "wrong_interval"
  | "out_of_bounds"
  | "future_time"
  | "inconsistent_time";

/** What a frame must stay within besides its own consistency: values bounded, time not ahead of the wall clock. */
export interface FrameLimits {
  wallNow: number;
  maxClockAheadMs: number;
  maxPrice: number;
  maxVolume: number;
}

export type ParsedFrame = { kind: "kline"; kline: KlineUpdate } | { kind: "control" } | { kind: "dropped"; reason: FrameDropReason; detail: string };

function drop(reason: FrameDropReason, detail: string): ParsedFrame {
  return { kind: "dropped", reason, detail };
}

/**
 * Validates one Binance kline frame (raw or combined-stream) for the expected symbol and interval.
 * Anything invalid is a value with a reason, never an exception: the feed drops and counts it.
 */
export function parseKlineFrame(raw: string, expectSymbol: string, expectInterval: string, limits?: FrameLimits): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return drop("invalid_json", raw.slice(0, 80));
  }
  const combined = CombinedSchema.safeParse(json);
  const body = combined.success ? combined.data.data : json;
  const parsed = KlineEventSchema.safeParse(body);
  if (!parsed.success) {
    if (ControlSchema.safeParse(body).success) return { kind: "control" };
    return drop(
      "schema",
      parsed.error.issues
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")
        .slice(0, 200),
    );
  }
  const ev = parsed.data;
  if (ev.s !== expectSymbol || ev.k.s !== expectSymbol) return drop("wrong_symbol", `${ev.s}/${ev.k.s}, expected ${expectSymbol}`);
  if (ev.k.i !== expectInterval) return drop("wrong_interval", `${ev.k.i}, expected ${expectInterval}`);
  const o = Number(ev.k.o);
  const h = Number(ev.k.h);
  const l = Number(ev.k.l);
  const c = Number(ev.k.c);
  const v = Number(ev.k.v);
  if (!Number.isFinite(o) || !Number.isFinite(h) || !Number.isFinite(l) || !Number.isFinite(c) || !Number.isFinite(v)) {
    return drop("not_a_number", `o=${ev.k.o} h=${ev.k.h} l=${ev.k.l} c=${ev.k.c} v=${ev.k.v}`);
  }
  if (o <= 0 || h <= 0 || l <= 0 || c <= 0 || v < 0) return drop("non_positive_price", `o=${o} h=${h} l=${l} c=${c} v=${v}`);
  if (h < l) return drop("high_below_low", `h=${h} < l=${l}`);
  if (o > h || c > h || o < l || c < l) return drop("ohlc_outside_range", `o=${o} c=${c} outside [${l}, ${h}]`);
  if (ev.k.t > ev.E || (ev.k.x && ev.k.T > ev.E + (limits?.maxClockAheadMs ?? 0))) return drop("inconsistent_time", `candle ${ev.k.t}..${ev.k.T} (closed ${ev.k.x}) at event ${ev.E}`);
  if (limits) {
    if (h > limits.maxPrice || v > limits.maxVolume) return drop("out_of_bounds", `h=${h} v=${v} beyond ${limits.maxPrice}/${limits.maxVolume}`);
    if (ev.E > limits.wallNow + limits.maxClockAheadMs) return drop("future_time", `event ${ev.E} is ${ev.E - limits.wallNow} ms ahead of the clock`);
  }
  return {
    kind: "kline",
    kline: { symbol: ev.s, interval: ev.k.i, eventTime: ev.E, closed: ev.k.x, candle: { t: ev.k.t, o, h, l, c, v } },
  };
}
