import { describe, expect, it } from "vitest";
import { reviewFactsFrom, type ReviewSubject } from "../../../src/lib/exits/review-facts";
import { timeframeIndicators } from "../../../src/lib/decide/timeframe-indicators";
import { aggregateCandles } from "../../../src/lib/market/aggregate";
import { classifyTrend } from "../../../src/lib/regime/trend";
import { loadCandles } from "../../../sim/data/candles";

const H4 = 4 * 3_600_000;
const btc4h = loadCandles("BTCUSDT", "4h").filter((c) => c.t >= Date.UTC(2025, 0, 1) && c.t < Date.UTC(2025, 2, 1));
const btc1h = aggregateCandles(
  loadCandles("BTCUSDT", "15m").filter((c) => c.t >= Date.UTC(2025, 0, 1) && c.t < Date.UTC(2025, 2, 1)),
  "1h",
);

describe("review facts", () => {
  const window = btc4h.slice(100, 160);
  const last = window.at(-1)!;
  const subject = (at: number): ReviewSubject => ({
    entryPrice: 95_000,
    peakPrice: 99_000,
    lastPrice: last.c,
    openedAt: at - 86_400_000,
    at,
    entryContext: { regime: "trending", atrPct: 0.02, momentum: 0.01 } as ReviewSubject["entryContext"],
  });

  it("read the decision timeframe's closed candles only, and BTC's last closed hourly return", () => {
    const at = last.t + H4 - 1; // the window's last candle is still open
    const { facts, indicators } = reviewFactsFrom(subject(at), window, btc1h, "4h", 0.3);
    const closed = window.slice(0, -1);
    expect(indicators).toEqual(timeframeIndicators(closed, closed.at(-1)!.t + H4));
    expect(facts.regime).toBe(
      classifyTrend(
        closed.map((c) => c.c),
        14,
        0.3,
      ).regime,
    );
    const hours = btc1h.filter((c) => c.t + 3_600_000 <= at);
    expect(facts.btcReturn1h).toBe(hours.at(-1)!.c / hours.at(-2)!.c - 1);
  });

  it("are the same on a remembered window as on a fresh copy of it", () => {
    const at = last.t + H4;
    const first = reviewFactsFrom(subject(at), window, btc1h, "4h", 0.3);
    expect(reviewFactsFrom(subject(at), window, btc1h, "4h", 0.3)).toEqual(first);
    expect(reviewFactsFrom(subject(at), [...window], btc1h, "4h", 0.3)).toEqual(first);
    expect(first.indicators).toEqual(timeframeIndicators(window, at));
    expect(reviewFactsFrom(subject(at), window, btc1h, "4h", 0.9).facts.regime).toBe(
      classifyTrend(
        window.map((c) => c.c),
        14,
        0.9,
      ).regime,
    );
  });
});
