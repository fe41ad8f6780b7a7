import { describe, expect, it } from "vitest";
import { regimeBlend } from "../../../src/lib/strategy/regime-blend-strategy";
import type { StrategyContext } from "../../../src/lib/strategy/strategy";
import { loadCandles } from "../../../sim/data/candles";
import type { Candle } from "../../../src/lib/market/candle";

const params = regimeBlend.params.parse({});
const ACTION = { LONG: "BUY", CLOSE: "SELL", PASS: "HOLD" } as const;

/** The registry strategy on a window of 4h candles, at its last close; its action in the decider's terms. */
function blend(window: Candle[]) {
  const ctx: StrategyContext = { symbol: "BTC/USDT", now: window[window.length - 1]!.t + 4 * 3_600_000, candles: { "4h": window }, funding: [], openInterest: null, regime: null, position: null };
  const s = regimeBlend.evaluate(ctx, params);
  return { ...s, action: ACTION[s.action as keyof typeof ACTION] };
}

// Independent reference: naive textbook formulas written out here, not the library's.
function reference(candles: Candle[]) {
  const c = candles.map((x) => x.c);
  const n = c.length;
  const p = 14;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= p; i++) {
    const d = c[i]! - c[i - 1]!;
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
  }
  gain /= p;
  loss /= p;
  for (let i = p + 1; i < n; i++) {
    const d = c[i]! - c[i - 1]!;
    gain = (gain * (p - 1) + Math.max(d, 0)) / p;
    loss = (loss * (p - 1) + Math.max(-d, 0)) / p;
  }
  const rsi = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  const mom = c[n - 1]! / c[n - 1 - 14]! - 1;
  const w = c.slice(n - 20);
  const mean = w.reduce((a, b) => a + b, 0) / 20;
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
  let path = 0;
  for (let i = n - 14; i < n; i++) path += Math.abs(c[i]! - c[i - 1]!);
  const er = Math.abs(c[n - 1]! - c[n - 15]!) / path;
  return { rsi, mom, lower: mean - 2 * sd, upper: mean + 2 * sd, er, close: c[n - 1]! };
}

function expectedAction(r: ReturnType<typeof reference>): string {
  if (r.er >= 0.3) {
    if (r.mom < -0.05) return "SELL";
    if (r.rsi > 50 && r.mom > 0.02) return "BUY";
    return "HOLD";
  }
  if (r.close > r.upper * 0.98) return "SELL";
  if (r.close < r.lower * 1.02 && r.rsi < 40) return "BUY";
  return "HOLD";
}

describe("regime blend on real BTC 4h candles", () => {
  const candles = loadCandles("BTCUSDT", "4h");

  it("agrees with an independent calculation on every window of 2025", () => {
    const from = candles.findIndex((c) => c.t >= Date.UTC(2025, 0, 1));
    const to = candles.findIndex((c) => c.t >= Date.UTC(2026, 0, 1));
    const seen: Record<string, number> = {};
    for (let i = from; i < to; i++) {
      const window = candles.slice(i - 119, i + 1);
      const s = blend(window);
      const r = reference(window);
      expect(s.action, `at ${new Date(candles[i]!.t).toISOString()}`).toBe(expectedAction(r));
      expect(s.metadata.rsi as number).toBeCloseTo(r.rsi, 9);
      expect(s.metadata.momentum as number).toBeCloseTo(r.mom, 12);
      seen[s.action] = (seen[s.action] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(["BUY", "HOLD", "SELL"]);
  });

  it("holds with a reason when history is short", () => {
    const s = blend(candles.slice(0, 10));
    expect(s).toMatchObject({ action: "HOLD", reason: "not enough history: 10 candles, need 20" });
  });
});
