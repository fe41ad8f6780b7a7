import { describe, expect, it } from "vitest";
import { evaluateStrategies, STRATEGIES } from "../../../src/lib/strategy/registry";
import type { StampedPoint, StrategyContext } from "../../../src/lib/strategy/strategy";
import { candles4h, fundingPoints, H, indicesBetween, SYMBOLS, TF4H } from "./support";

const allOn = Object.fromEntries(STRATEGIES.map((s) => [s.name, { enabled: true }]));
const oiSeries = (from: number, to: number): StampedPoint[] => {
  const out: StampedPoint[] = [];
  for (let t = from; t <= to; t += H) out.push({ at: t, value: 1000 * Math.exp(0.3 * Math.sin((2 * Math.PI * t) / (240 * H))) });
  return out;
};

describe("strategies are point in time", () => {
  it("give the same signals when the context also holds later candles, funding and open interest", () => {
    let compared = 0;
    const fired = new Set<string>();
    for (const { file, symbol } of SYMBOLS) {
      const candles = candles4h(file);
      const funding = fundingPoints(file);
      const indices = indicesBetween(candles, Date.UTC(2020, 8, 1), Date.UTC(2026, 0, 1), 200).filter((_, k) => k % 5 === 0);
      for (const i of indices) {
        // mid-candle: the candle that opened before now is still open and must be ignored
        const now = candles[i]!.t + TF4H + 2 * H;
        const fundingEnd = funding.findIndex((p) => p.at > now);
        const truncated: StrategyContext = {
          symbol,
          now,
          candles: { "4h": candles.slice(i - 150, i + 1) },
          funding: funding.slice(0, fundingEnd === -1 ? funding.length : fundingEnd),
          openInterest: oiSeries(now - 30 * H, now),
          regime: null,
          position: null,
        };
        const withFuture: StrategyContext = {
          ...truncated,
          candles: { "4h": candles.slice(i - 150, i + 40) },
          funding,
          openInterest: oiSeries(now - 30 * H, now + 30 * H),
        };
        expect(candles[i + 1]!.t).toBeLessThan(now);
        const signals = evaluateStrategies(truncated, allOn);
        expect(evaluateStrategies(withFuture, allOn)).toEqual(signals);
        for (const s of signals) if (s.action !== "PASS") fired.add(s.strategy);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    // every strategy fired somewhere, so the comparison covered more than PASS
    expect([...fired].sort()).toEqual(STRATEGIES.map((s) => s.name).sort());
  });

  it("would see the difference: later candles change the signals when now moves forward", () => {
    const candles = candles4h("SOLUSDT");
    const i = indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))[0]!;
    const at = (now: number) =>
      evaluateStrategies({ symbol: "SOL/USDT", now, candles: { "4h": candles.slice(i - 150, i + 40) }, funding: [], openInterest: null, regime: null, position: null }, allOn);
    const metadata = (now: number) => at(now).map((s) => s.metadata);
    expect(metadata(candles[i + 10]!.t + TF4H)).not.toEqual(metadata(candles[i]!.t + TF4H));
  });
});
