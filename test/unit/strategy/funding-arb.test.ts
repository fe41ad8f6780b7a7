import { describe, expect, it } from "vitest";
import { loadFunding } from "../../../sim/data/candles";
import { fundingArb } from "../../../src/lib/strategy/funding-arb";
import type { StrategyContext } from "../../../src/lib/strategy/strategy";
import { candles4h, expectNear, fundingPoints, H, iso, SYMBOLS, tally, TF4H } from "./support";

const params = fundingArb.params.parse({});

function ctx(symbol: string, now: number, funding: StrategyContext["funding"]): StrategyContext {
  return { symbol, now, candles: {}, funding, openInterest: null, regime: null, position: null };
}

describe("funding-arb on the shipped funding history", () => {
  it("collects funding on the perp leg and annualises it by the real interval, at every 4h close", () => {
    const seen: string[] = [];
    const intervals = new Set<number>();
    for (const { file, symbol } of SYMBOLS) {
      const raw = loadFunding(file);
      const points = fundingPoints(file);
      let j = -1;
      for (const c of candles4h(file)) {
        const now = c.t + TF4H;
        while (j + 1 < raw.length && raw[j + 1]!.t <= now) j++;
        if (j < 1 || now - raw[j]!.t > 12 * H) continue;
        const s = fundingArb.evaluate(ctx(symbol, now, points.slice(j - 1, j + 3)), params);
        const rate = raw[j]!.rate;
        const spacing = raw[j]!.t - raw[j - 1]!.t;
        const perYear = (365 * 24 * H) / spacing;
        const action = rate > 0.0005 ? "SHORT" : rate < -0.0005 ? "LONG" : "PASS";
        const at = `${symbol} ${iso(now)}`;
        expect(s.action, at).toBe(action);
        expect(s.metadata.leg, at).toBe("perp");
        expect(s.metadata.intervalMs, at).toBe(spacing);
        expectNear(s.metadata.annualisedFunding, rate * perYear, `${at} annualised`);
        expectNear(s.metadata.annualisedCarry, Math.abs(rate) * perYear, `${at} carry`);
        intervals.add(spacing / H);
        seen.push(s.action);
      }
    }
    expect(Object.keys(tally(seen)).sort()).toEqual(["LONG", "PASS", "SHORT"]);
    expect([...intervals].sort((a, b) => a - b)).toEqual([2, 4, 8]);
  });

  it("annualises SOL's −2 % over 2 h intervals (Nov 2022) at 4380 intervals a year", () => {
    const points = fundingPoints("SOLUSDT");
    const settle = Date.UTC(2022, 10, 10, 6);
    const s = fundingArb.evaluate(ctx("SOL/USDT", settle, points), params);
    expect(s).toMatchObject({ action: "LONG", metadata: { leg: "perp", fundingRate: -0.02, intervalMs: 2 * H, intervalsPerYear: 4380 } });
    expectNear(s.metadata.annualisedCarry, 87.6, "carry");
    expect(s.reason).toBe("funding carry: -2.0000% < −0.0500%, long the perp and collect; annualised carry 8760.0% over 2.00 h intervals");
  });

  it("annualises BTC's 8 h funding at 1095 intervals a year", () => {
    const s = fundingArb.evaluate(ctx("BTC/USDT", Date.UTC(2021, 1, 1), fundingPoints("BTCUSDT")), params);
    expect(s.metadata.intervalsPerYear).toBe(1095);
  });

  it("needs funding strictly beyond the threshold, unlike funding-rate", () => {
    const at = (rate: number) =>
      fundingArb.evaluate(
        ctx("BTC/USDT", 16 * H, [
          { at: 8 * H, value: 0 },
          { at: 16 * H, value: rate },
        ]),
        params,
      );
    expect(at(0.0005).action).toBe("PASS");
    expect(at(0.00051).action).toBe("SHORT");
    expect(at(-0.0005).action).toBe("PASS");
    expect(at(-0.00051).action).toBe("LONG");
  });

  it("assumes 8 h intervals when a single rate is known", () => {
    const s = fundingArb.evaluate(ctx("BTC/USDT", H, [{ at: 0, value: 0.001 }]), params);
    expect(s.metadata).toMatchObject({ intervalMs: 8 * H, intervalsPerYear: 1095 });
  });

  it("is disabled by default because it needs a perpetual leg", () => {
    expect(fundingArb.enabledByDefault).toBe(false);
  });
});
