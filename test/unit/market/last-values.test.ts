import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Atr, atrPercent, lastAtrPercent } from "../../../src/lib/market/indicators/atr";
import { Bollinger, bollinger, lastBollinger } from "../../../src/lib/market/indicators/bollinger";
import { efficiencyRatio, lastEfficiencyRatio } from "../../../src/lib/market/indicators/efficiency-ratio";
import { Ema, ema, lastEma } from "../../../src/lib/market/indicators/ema";
import { lastMomentum, momentum } from "../../../src/lib/market/indicators/momentum";
import { RealizedVolatility } from "../../../src/lib/market/indicators/realized-volatility";
import { lastRsi, Rsi, rsi } from "../../../src/lib/market/indicators/rsi";
import { TickFeatureTracker } from "../../../src/lib/market/tick-features";
import { btc4h } from "./support";

const closesArb = fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { maxLength: 150 });
const last = <T>(xs: readonly (T | null)[]): T | null => xs.at(-1) ?? null;

describe("last-value forms of the batch indicators", () => {
  it("equal the batch form's last entry bit for bit, on real candles and on any closes", () => {
    const candles = btc4h();
    for (const n of [0, 1, 14, 15, 20, 50, 120, 400]) {
      const w = candles.slice(0, n);
      const closes = w.map((c) => c.c);
      expect(lastRsi(closes, 14)).toBe(last(rsi(closes, 14)));
      expect(lastEma(closes, 20)).toBe(last(ema(closes, 20)));
      expect(lastMomentum(closes, 14)).toBe(last(momentum(closes, 14)));
      expect(lastEfficiencyRatio(closes, 14)).toBe(last(efficiencyRatio(closes, 14)));
      expect(lastBollinger(closes, 20, 2)).toEqual(last(bollinger(closes, 20, 2)));
      expect(lastAtrPercent(w, 14)).toBe(last(atrPercent(w, 14)));
    }
    fc.assert(
      fc.property(closesArb, (closes) => {
        expect(lastRsi(closes, 14)).toBe(last(rsi(closes, 14)));
        expect(lastEma(closes, 5)).toBe(last(ema(closes, 5)));
        expect(lastMomentum(closes, 3)).toBe(last(momentum(closes, 3)));
        expect(lastEfficiencyRatio(closes, 4)).toBe(last(efficiencyRatio(closes, 4)));
        expect(lastBollinger(closes, 6, 2)).toEqual(last(bollinger(closes, 6, 2)));
      }),
    );
    // Long runs of equal closes (a window of equal values has exactly no spread), over many recomputations.
    fc.assert(
      fc.property(fc.array(fc.constantFrom(100, 100.5, 101), { maxLength: 300 }), fc.integer({ min: 1, max: 25 }), (closes, period) => {
        expect(lastMomentum(closes, period)).toBe(last(momentum(closes, period)));
        expect(lastEfficiencyRatio(closes, period)).toBe(last(efficiencyRatio(closes, period)));
        expect(lastBollinger(closes, period, 2)).toEqual(last(bollinger(closes, period, 2)));
      }),
    );
  });

  it("read only the closes their state keeps, and still refuse a broken one before them", () => {
    const closes = btc4h()
      .slice(0, 400)
      .map((c) => c.c);
    const broken = [Number.NaN, ...closes];
    expect(() => lastBollinger(broken, 20, 2)).toThrow(/finite/);
    expect(() => lastEfficiencyRatio(broken, 14)).toThrow(/finite/);
    expect(() => lastMomentum([0, ...closes], 14)).toThrow(/positive/);
  });
});

describe("indicator state with nothing known yet", () => {
  it("serialises unknown fields as null and restores them, before and after warm-up", () => {
    expect(new Rsi(14).toJSON()).toEqual({ period: 14, prevClose: null, changes: 0, gainSum: 0, lossSum: 0, avgGain: null, avgLoss: null });
    expect(new Ema(3).toJSON()).toEqual({ period: 3, count: 0, seedSum: 0, value: null });
    expect(new Atr(14).toJSON()).toEqual({ period: 14, prevClose: null, ranges: 0, rangeSum: 0, atr: null });
    expect(new Bollinger(20, 2).toJSON().lastClose).toBeNull();
    expect(new RealizedVolatility(20).toJSON().prevClose).toBeNull();
    const tracker = new TickFeatureTracker(60, 20, 60_000).toJSON();
    expect([tracker.lastMinute, tracker.prevClose]).toEqual([null, null]);
    const closes = btc4h()
      .slice(0, 40)
      .map((c) => c.c);
    const r = new Rsi(14);
    closes.slice(0, 20).forEach((c) => r.update(c));
    const restored = Rsi.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(closes.slice(20).map((c) => restored.update(c))).toEqual(closes.slice(20).map((c) => r.update(c)));
    expect(Rsi.fromJSON(new Rsi(14).toJSON()).value).toBeNull();
  });
});
