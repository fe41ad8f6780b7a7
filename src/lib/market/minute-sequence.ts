import type { Candle } from "./candle";

const MINUTE = 60_000;

/**
 * Where a kline frame of the 1m stream stands against the last closed minute a ticker holds:
 * - `tick`: an update of the minute in progress (a price to score and push);
 * - `close`: the next minute closed; `gapFrom` when minutes are missing before it (fetch [gapFrom, candle.t) first);
 * - `duplicate`: a minute already closed (a repeated or late frame), ignored.
 */
export type MinuteStep = { kind: "tick" } | { kind: "close"; gapFrom: number | null } | { kind: "duplicate" };

export function sequenceMinute(lastMinute: number | null, frame: { closed: boolean; candle: Pick<Candle, "t"> }): MinuteStep {
  const t = frame.candle.t;
  if (lastMinute !== null && t <= lastMinute) return { kind: "duplicate" };
  if (!frame.closed) return { kind: "tick" };
  return { kind: "close", gapFrom: lastMinute !== null && t > lastMinute + MINUTE ? lastMinute + MINUTE : null };
}

/**
 * The minutes a ticker must fetch to catch up after its last closed minute: open times in [from, until), `until` being a
 * live frame's open time (a gap) or the exchange's present (a reconnect); null when none is missing.
 */
export function missedMinutes(lastMinute: number, until: number): { from: number; until: number } | null {
  const from = lastMinute + MINUTE;
  return until <= from ? null : { from, until };
}
