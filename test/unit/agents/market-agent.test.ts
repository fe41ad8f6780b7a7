import { describe, expect, it } from "vitest";
import { marketAgent } from "../../../src/lib/agents/market-agent";
import type { Candle } from "../../../src/lib/market/candle";
import type { Signal, SignalAction } from "../../../src/lib/strategy/strategy";
import { loadCandles } from "../../../sim/data/candles";
import { expectClose } from "./support";

const SYMBOL = "BTC/USDT";

function signal(strategy: string, action: SignalAction, confidence: number, at = 0, symbol = SYMBOL): Signal {
  return { strategy, symbol, action, confidence: action === "PASS" ? 0 : confidence, reason: "", metadata: {}, at };
}

/** Three toy strategies on the 4h candles up to i, written out here. */
function toySignals(c: readonly Candle[], i: number): Signal[] {
  const at = c[i]!.t;
  const close = c[i]!.c;
  let sma = 0;
  for (let j = i - 49; j <= i; j++) sma += c[j]!.c;
  sma /= 50;
  const gap = close / sma - 1;
  const trend = signal("trend", gap > 0 ? "LONG" : "SHORT", Math.min(1, Math.abs(gap) * 10), at);
  let hi = -Infinity;
  let lo = Infinity;
  for (let j = i - 20; j < i; j++) {
    hi = Math.max(hi, c[j]!.h);
    lo = Math.min(lo, c[j]!.l);
  }
  const breakout = close > hi ? signal("breakout", "LONG", 0.6, at) : close < lo ? signal("breakout", "CLOSE", 0.4, at) : signal("breakout", "PASS", 0, at);
  const move = close / c[i - 6]!.c - 1;
  const reversal = move > 0.04 ? signal("reversal", "SHORT", Math.min(1, move * 5), at) : move < -0.04 ? signal("reversal", "LONG", Math.min(1, -move * 5), at) : signal("reversal", "PASS", 0, at);
  return [trend, breakout, reversal];
}

describe("market agent", () => {
  it("is the mean of ±confidence over the non-PASS strategies on every 4h window of 2025 H1", () => {
    const c = loadCandles("BTCUSDT", "4h");
    const from = c.findIndex((x) => x.t >= Date.UTC(2025, 0, 1));
    const to = c.findIndex((x) => x.t >= Date.UTC(2025, 6, 1));
    const votersSeen = new Set<number>();
    for (let i = from; i < to; i++) {
      const signals = toySignals(c, i);
      const votes = signals.filter((s) => s.action !== "PASS").map((s) => (s.action === "LONG" ? s.confidence : -s.confidence));
      const s = marketAgent(SYMBOL, signals);
      expect(s.active).toBe(true); // the trend strategy always speaks
      expectClose(s.score, votes.reduce((a, b) => a + b, 0) / votes.length, `candle ${i}`);
      votersSeen.add(votes.length);
    }
    expect([...votersSeen].sort()).toEqual([1, 2, 3]);
  });

  it("counts LONG as +confidence and SHORT and CLOSE as −confidence, PASS as abstention", () => {
    const s = marketAgent(SYMBOL, [signal("a", "LONG", 0.9), signal("b", "SHORT", 0.3), signal("c", "CLOSE", 0.6), signal("d", "PASS", 0)]);
    expect(s.active).toBe(true);
    expectClose(s.score, (0.9 - 0.3 - 0.6) / 3);
    expect(s.inputs).toMatchObject({ strategies: 4, long: 1, short: 1, close: 1, pass: 1 });
  });

  it("is inactive when every strategy passes or none spoke", () => {
    expect(marketAgent(SYMBOL, [signal("a", "PASS", 0), signal("b", "PASS", 0)])).toMatchObject({ active: false, score: 0 });
    expect(marketAgent(SYMBOL, [])).toMatchObject({ active: false, score: 0 });
  });

  it("only listens to enabled strategies and to the ticker's own signals", () => {
    const signals = [signal("a", "LONG", 0.8), signal("b", "SHORT", 1), signal("c", "LONG", 0.2, 0, "ETH/USDT")];
    expectClose(marketAgent(SYMBOL, signals, ["a"]).score, 0.8);
    expectClose(marketAgent(SYMBOL, signals).score, (0.8 - 1) / 2);
    expect(marketAgent(SYMBOL, signals, ["c"]).active).toBe(false);
  });

  it("takes a strategy's latest signal when it appears twice", () => {
    const s = marketAgent(SYMBOL, [signal("a", "LONG", 0.8, 2), signal("a", "SHORT", 0.5, 1)]);
    expectClose(s.score, 0.8);
    expect(marketAgent(SYMBOL, [signal("a", "LONG", 0.8, 1), signal("a", "PASS", 0, 2)]).active).toBe(false);
  });
});
