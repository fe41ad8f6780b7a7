import { describe, expect, it } from "vitest";
import { parseKlineFrame, type FrameLimits } from "../../../src/adapters/exchange/binance-frames";

const WALL = Date.UTC(2026, 2, 26, 12, 0, 30);
const LIMITS: FrameLimits = { wallNow: WALL, maxClockAheadMs: 10_000, maxPrice: 1e9, maxVolume: 1e15 };

function frame(k: Partial<Record<string, unknown>>, E = WALL): string {
  const t = Date.UTC(2026, 2, 26, 12, 0);
  return JSON.stringify({
    stream: "btcusdt@kline_1m",
    data: { e: "kline", E, s: "BTCUSDT", k: { t, T: t + 59_999, s: "BTCUSDT", i: "1m", o: "100", c: "100", h: "100", l: "100", v: "1", x: false, ...k } },
  });
}

describe("kline frames at the exchange boundary", () => {
  it("accepts a well-formed frame within the limits", () => {
    expect(parseKlineFrame(frame({}), "BTCUSDT", "1m", LIMITS).kind).toBe("kline");
  });

  it("drops a finite but absurd volume (1e200) as out of bounds", () => {
    expect(parseKlineFrame(frame({ v: "1e200" }), "BTCUSDT", "1m", LIMITS)).toMatchObject({ kind: "dropped", reason: "out_of_bounds" });
  });

  it("drops an event stamped ahead of the wall clock by more than the tolerance", () => {
    const future = WALL + 30 * 86_400_000;
    const t = future - (future % 60_000);
    expect(parseKlineFrame(frame({ t, T: t + 59_999 }, future), "BTCUSDT", "1m", LIMITS)).toMatchObject({ kind: "dropped", reason: "future_time" });
    expect(parseKlineFrame(frame({}, WALL + 5_000), "BTCUSDT", "1m", LIMITS).kind).toBe("kline");
  });

  it("drops a candle that opens after its event, or a closed one whose close is ahead of it", () => {
    const t = Date.UTC(2026, 2, 26, 12, 5);
    expect(parseKlineFrame(frame({ t, T: t + 59_999 }), "BTCUSDT", "1m", LIMITS)).toMatchObject({ kind: "dropped", reason: "inconsistent_time" });
    expect(parseKlineFrame(frame({ x: true }), "BTCUSDT", "1m", LIMITS)).toMatchObject({ kind: "dropped", reason: "inconsistent_time" });
  });
});
