import { describe, expect, it } from "vitest";
import { loadCandles } from "../../../sim/data/candles";
import { runGrademarkRsi, wilderRsi } from "../../../bench/peer/grademark-rsi";
import { referenceRsiTrades } from "../../../bench/peer/rsi-reference";
import type { OhlcvCandle } from "../../../bench/peer/rsi-rule";
import { splitAtGaps } from "../../../bench/peer/run-peer";

/** Wilder's RSI(period) on close `i`, from scratch: mean of the first `period` changes, then (prev·(p−1) + x)/p. */
function wilderAt(closes: number[], i: number, period = 14): number {
  const changes = closes.slice(1, i + 1).map((c, k) => c - closes[k]!);
  const gains = changes.map((d) => Math.max(d, 0));
  const losses = changes.map((d) => Math.max(-d, 0));
  let g = gains.slice(0, period).reduce((a, b) => a + b, 0) / period;
  let l = losses.slice(0, period).reduce((a, b) => a + b, 0) / period;
  for (let k = period; k < changes.length; k++) {
    g = (g * (period - 1) + gains[k]!) / period;
    l = (l * (period - 1) + losses[k]!) / period;
  }
  return l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
}

/** Candles from closes: each opens at the previous close. */
function fromCloses(closes: number[]): OhlcvCandle[] {
  return closes.map((c, i) => {
    const o = i === 0 ? c : closes[i - 1]!;
    return { t: i * 60_000, o, h: Math.max(o, c) + 1, l: Math.min(o, c) - 1, c, v: 1 };
  });
}

const m15 = loadCandles("BTCUSDT", "15m");

describe("peer benchmark: grademark RSI(14) mean reversion", () => {
  it("computes Wilder's RSI", () => {
    const closes = m15.map((c) => c.c);
    const rsi = wilderRsi(closes);
    expect(rsi.slice(0, 14).every(Number.isNaN)).toBe(true);
    for (const i of [14, 15, 16, 500, 20_000, closes.length - 1]) {
      expect(rsi[i]).toBeCloseTo(wilderAt(closes, i), 9);
    }
    // StockCharts' RSI worked example (their table rounds the averages, hence the loose tolerance).
    const sc = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64];
    const scRsi = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97];
    const got = Array.from(wilderRsi(sc).slice(14));
    got.forEach((x, k) => expect(Math.abs(x - scRsi[k]!)).toBeLessThan(0.1));
  });

  it("trades exactly like the plain-loop reference on the 15m history", () => {
    const peer = runGrademarkRsi(m15);
    const ref = referenceRsiTrades(m15);
    expect(peer.candles).toBe(m15.length);
    expect(peer.trades.length).toBeGreaterThan(20);
    expect(peer.trades.map(({ entryAt, exitAt, entryPrice, exitPrice }) => ({ entryAt, exitAt, entryPrice, exitPrice }))).toEqual(
      ref.map(({ entryAt, exitAt, entryPrice, exitPrice }) => ({ entryAt, exitAt, entryPrice, exitPrice })),
    );
    peer.trades.forEach((t, i) => expect(t.pnlPct).toBeCloseTo(ref[i]!.pnlPct, 10));
    // Entries and exits fill at a candle's open, the candle after the signal.
    const opens = new Map(m15.map((c) => [c.t, c.o]));
    for (const t of peer.trades) {
      expect(t.entryPrice).toBe(opens.get(t.entryAt));
      if (t.exitReason === "signal") expect(t.exitPrice).toBe(opens.get(t.exitAt));
    }
    // grademark evaluates no rule on a fill candle; on this data that changes one trade vs the plain reading.
    expect(peer.trades).not.toEqual(referenceRsiTrades(m15, { evaluateOnFillBar: true }));
    expect(peer.ms).toBeGreaterThan(0);
  });

  it("matches the reference on both 1m weeks, run separately", () => {
    const weeks = splitAtGaps(loadCandles("BTCUSDT", "1m"), 60_000);
    expect(weeks.map((w) => w.length)).toEqual([10_080, 10_080]);
    for (const w of weeks) expect(runGrademarkRsi(w).trades).toEqual(referenceRsiTrades(w));
  });

  it("closes a position open at the end of the data at the last close, and drops a last-candle entry signal", () => {
    const falling = fromCloses(Array.from({ length: 30 }, (_, i) => 100 - i));
    const peer = runGrademarkRsi(falling);
    // RSI is 0 from candle 14 on: signal at 14's close, buy at 15's open, still long at the end.
    expect(peer.trades).toEqual([{ entryAt: 15 * 60_000, exitAt: 29 * 60_000, entryPrice: 86, exitPrice: 71, pnlPct: ((71 - 86) / 86) * 100, exitReason: "end-of-data" }]);
    expect(referenceRsiTrades(falling)).toEqual(peer.trades);
    // Flat, then a signal on the very last candle: no fill, no trade.
    const lastOnly = fromCloses([...Array.from({ length: 34 }, (_, i) => 100 + (i % 2)), 80]);
    const r = wilderRsi(lastOnly.map((c) => c.c));
    expect(r[33]).toBeGreaterThanOrEqual(25);
    expect(r[34]).toBeLessThan(25);
    expect(runGrademarkRsi(lastOnly).trades).toEqual([]);
    expect(referenceRsiTrades(lastOnly)).toEqual([]);
  });
});
