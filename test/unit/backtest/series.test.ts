import { describe, expect, it } from "vitest";
import { SymbolSeries } from "../../../src/lib/backtest/series";
import { TIMEFRAME_MS, type Timeframe } from "../../../src/lib/market/timeframe";
import { loadCandles } from "../../../sim/data/candles";

const D = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);

describe("symbol series", () => {
  const base = loadCandles("BTCUSDT", "15m").filter((c) => c.t >= D(2025, 1) && c.t < D(2025, 2));
  const history = { "1d": loadCandles("BTCUSDT", "1d").filter((c) => c.t < D(2025, 1)), "4h": loadCandles("BTCUSDT", "4h").filter((c) => c.t < D(2025, 1)) };
  const series = new SymbolSeries(base, "15m", history);

  it("hands out the last n candles closed by now, the same array until the next candle of that timeframe closes", () => {
    for (const tf of ["15m", "1h", "4h", "1d"] as Timeframe[]) {
      const all = series.candles(tf)!;
      let previous: readonly unknown[] | null = null;
      let previousCount = -1;
      for (let now = D(2025, 1, 3); now < D(2025, 1, 6); now += 5 * 60_000) {
        const window = series.closed(tf, now, 120);
        const closed = all.filter((c) => c.t + TIMEFRAME_MS[tf] <= now);
        expect(window).toEqual(closed.slice(-120));
        expect(series.closedCount(tf, now)).toBe(closed.length);
        expect(series.lastClosedOpen(tf, now)).toBe(closed.at(-1)?.t ?? null);
        if (closed.length === previousCount) expect(window).toBe(previous);
        else expect(window).not.toBe(previous);
        previous = window;
        previousCount = closed.length;
      }
    }
  });

  it("keeps a window per length: asking for another n does not disturb the first", () => {
    const now = D(2025, 1, 10) + 13 * 3_600_000;
    const a = series.closed("4h", now, 120);
    const b = series.closed("4h", now, 60);
    expect(b).toEqual(a.slice(-60));
    expect(series.closed("4h", now, 120)).toBe(a);
    expect(series.closed("4h", now, 60)).toBe(b);
  });
});
