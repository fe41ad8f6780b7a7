import { describe, expect, it } from "vitest";
import { missedMinutes, sequenceMinute } from "../../../src/lib/market/minute-sequence";

const T = Date.UTC(2026, 2, 26, 12);
const MIN = 60_000;

describe("sequenceMinute: a 1m kline frame against the last closed minute", () => {
  it("scores an update of the minute in progress, closes the next minute, and names the minutes a gap skipped", () => {
    expect(sequenceMinute(T, { closed: false, candle: { t: T + MIN } })).toEqual({ kind: "tick" });
    expect(sequenceMinute(T, { closed: true, candle: { t: T + MIN } })).toEqual({ kind: "close", gapFrom: null });
    expect(sequenceMinute(T, { closed: true, candle: { t: T + 4 * MIN } })).toEqual({ kind: "close", gapFrom: T + MIN });
    // A ticker that holds no minute yet takes the first close as it comes.
    expect(sequenceMinute(null, { closed: true, candle: { t: T } })).toEqual({ kind: "close", gapFrom: null });
  });

  it("ignores a minute already closed, repeated or late, whether the frame closes it or not", () => {
    expect(sequenceMinute(T, { closed: true, candle: { t: T } })).toEqual({ kind: "duplicate" });
    expect(sequenceMinute(T, { closed: false, candle: { t: T - MIN } })).toEqual({ kind: "duplicate" });
  });
});

describe("missedMinutes: what a ticker fetches to catch up", () => {
  it("names the minutes after the last closed one up to a live frame's open time or the exchange's present", () => {
    expect(missedMinutes(T, T + 4 * MIN)).toEqual({ from: T + MIN, until: T + 4 * MIN });
    // The exchange's present inside the next minute: that minute is still forming, but the fetch asks from it.
    expect(missedMinutes(T, T + MIN + 30_000)).toEqual({ from: T + MIN, until: T + MIN + 30_000 });
  });

  it("answers null when nothing is missing: the next minute is the frame's own, or the present is not past it", () => {
    expect(missedMinutes(T, T + MIN)).toBeNull();
    expect(missedMinutes(T, T + 30_000)).toBeNull();
  });
});
