import { describe, expect, it } from "vitest";
import type { Candle } from "../../../src/lib/market/candle";
import { STRATEGIES } from "../../../src/lib/strategy/registry";
import { resolveStrategies } from "../../../src/lib/strategy/strategy-configs";
import { perWindow } from "../../../src/lib/market/window-memo";
import { candles4h, ctxAtClose, fundingPoints, indicesBetween } from "../strategy/support";

const window = (n: number): Candle[] => Array.from({ length: n }, (_, i) => ({ t: i * 60_000, o: 1, h: 2, l: 0.5, c: 1 + i, v: 1 }));

describe("per-window memo", () => {
  it("computes once per window, computation and parameters; another of any of them computes again", () => {
    const w = window(5);
    let calls = 0;
    const sum = (c: readonly Candle[]) => (calls++, c.reduce((a, x) => a + x.c, 0));
    const params = { k: 1 };
    expect(perWindow(w, "sum", params, sum)).toBe(15);
    expect(perWindow(w, "sum", params, sum)).toBe(15);
    expect(calls).toBe(1);
    perWindow(w, "sum", { k: 1 }, sum); // an equal but different params object
    perWindow(w, "other", params, sum);
    perWindow([...w], "sum", params, sum); // an equal but different window
    expect(calls).toBe(4);
    expect(perWindow(w, "sum", 14, sum)).toBe(15);
    expect(perWindow(w, "sum", 14, sum)).toBe(15);
    expect(calls).toBe(5);
  });

  it("remembers the recent windows only: an old one is computed again", () => {
    let calls = 0;
    const count = (c: readonly Candle[]) => (calls++, c.length);
    const first = window(3);
    perWindow(first, "len", 0, count);
    for (let i = 0; i < 40; i++) perWindow(window(4), "len", 0, count);
    calls = 0;
    expect(perWindow(first, "len", 0, count)).toBe(3);
    expect(calls).toBe(1);
  });
});

describe("strategies on a remembered window", () => {
  it("give the same signals as on a fresh copy of the window, for every strategy and many closes", () => {
    const btc = candles4h("BTCUSDT");
    const funding = fundingPoints("BTCUSDT");
    const resolved = resolveStrategies(Object.fromEntries(STRATEGIES.map((s) => [s.name, { enabled: true }])), STRATEGIES);
    let compared = 0;
    for (const i of indicesBetween(btc, Date.UTC(2025, 0, 1), Date.UTC(2025, 3, 1)).filter((_, k) => k % 7 === 0)) {
      const ctx = ctxAtClose("BTC/USDT", btc, i, { funding });
      const copy = { ...ctx, candles: Object.fromEntries(Object.entries(ctx.candles).map(([tf, c]) => [tf, [...c!]])) };
      for (const { strategy, params } of resolved) {
        const once = strategy.evaluate(ctx, params);
        expect(strategy.evaluate(ctx, params)).toEqual(once); // remembered
        expect(strategy.evaluate(copy, params)).toEqual(once); // computed afresh
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
