import { describe, expect, it } from "vitest";
import { loadFunding } from "../../../sim/data/candles";
import { fundingOi } from "../../../src/lib/strategy/funding-oi";
import { fundingRate } from "../../../src/lib/strategy/funding-rate";
import type { StampedPoint, StrategyContext } from "../../../src/lib/strategy/strategy";
import { candles4h, fundingPoints, H, iso, tally, TF4H } from "./support";

const params = fundingOi.params.parse({});

function ctx(now: number, funding: StampedPoint[], openInterest: StampedPoint[] | null): StrategyContext {
  return { symbol: "BTC/USDT", now, candles: {}, funding, openInterest, regime: null, position: null };
}

/** No open-interest data is shipped: a smooth synthetic series, ±30 % over a 10-day cycle, sampled hourly. */
const oiAt = (t: number): number => 100_000 * Math.exp(0.3 * Math.sin((2 * Math.PI * t) / (10 * 24 * H)));
const oiSeries = (from: number, to: number): StampedPoint[] => {
  const out: StampedPoint[] = [];
  for (let t = from; t <= to; t += H) out.push({ at: t, value: oiAt(t) });
  return out;
};

describe("funding-oi: extreme real funding confirmed by rising open interest", () => {
  it("fires only when funding is extreme and open interest rose > 10 % in 24 h, at every 4h close of 2020-2021", () => {
    const seen: string[] = [];
    for (const file of ["BTCUSDT", "ETHUSDT"]) {
      const raw = loadFunding(file);
      const points = fundingPoints(file);
      let j = -1;
      for (const c of candles4h(file)) {
        const now = c.t + TF4H;
        if (now >= Date.UTC(2022, 0, 1)) break;
        while (j + 1 < raw.length && raw[j + 1]!.t <= now) j++;
        const s = fundingOi.evaluate(ctx(now, points.slice(Math.max(0, j - 3), j + 3), oiSeries(now - 48 * H, now + 8 * H)), params);
        const rate = raw[j]!.rate;
        const rise = oiAt(now) / oiAt(now - 24 * H) - 1;
        const extreme = now - raw[j]!.t <= 12 * H && Math.abs(rate) >= 0.0005;
        const action = extreme && rise > 0.1 ? (rate > 0 ? "SHORT" : "LONG") : "PASS";
        const at = `${file} ${iso(now)}`;
        expect(s.action, at).toBe(action);
        if (action !== "PASS") {
          expect(s.metadata.oiChange as number, at).toBeCloseTo(rise, 12);
          expect(s.confidence, at).toBeCloseTo(Math.min(1, Math.abs(rate) / 0.001 + 0.25), 12);
        }
        seen.push(extreme && action === "PASS" ? "PASS extreme funding, open interest flat" : s.action);
      }
    }
    const counts = tally(seen);
    expect(Object.keys(counts).sort()).toEqual(["LONG", "PASS", "PASS extreme funding, open interest flat", "SHORT"]);
  });

  it("is more confident than funding alone when open interest confirms the crowding", () => {
    const funding = [{ at: 20 * H, value: 0.0006 }];
    const oi = [
      { at: 0, value: 1000 },
      { at: 24 * H, value: 1150 },
    ];
    const withOi = fundingOi.evaluate(ctx(24 * H, funding, oi), params);
    const alone = fundingRate.evaluate(ctx(24 * H, funding, null), fundingRate.params.parse({}));
    expect(withOi.action).toBe("SHORT");
    expect(alone.action).toBe("SHORT");
    expect(withOi.confidence).toBeCloseTo(0.85, 12);
    expect(alone.confidence).toBeCloseTo(0.6, 12);
    expect(withOi.reason).toBe("crowded longs adding: funding 0.0600% ≥ +0.0500% and open interest 15.0% over 24 h");
  });

  it("passes with reason 'no open interest source' when the context has none, even on the −0.3 % March 2020 print", () => {
    const s = fundingOi.evaluate(ctx(Date.UTC(2020, 2, 13, 8), fundingPoints("BTCUSDT"), null), params);
    expect(s).toMatchObject({ action: "PASS", confidence: 0, reason: "no open interest source" });
  });

  it("needs more than a 10 % rise: exactly 10 % passes", () => {
    const funding = [{ at: 20 * H, value: -0.002 }];
    const oi = (last: number) => [
      { at: 0, value: 1000 },
      { at: 24 * H, value: last },
    ];
    expect(fundingOi.evaluate(ctx(24 * H, funding, oi(1100)), params).action).toBe("PASS");
    expect(fundingOi.evaluate(ctx(24 * H, funding, oi(1100.5)), params).action).toBe("LONG");
  });

  it("passes when open interest history is shorter than the 24 h lookback", () => {
    const s = fundingOi.evaluate(
      ctx(
        24 * H,
        [{ at: 20 * H, value: 0.002 }],
        [
          { at: H, value: 1000 },
          { at: 24 * H, value: 2000 },
        ],
      ),
      params,
    );
    expect(s).toMatchObject({ action: "PASS", reason: "no open interest from 24 h before now" });
  });

  it("ignores open interest stamped after now", () => {
    const oi = [
      { at: 0, value: 1000 },
      { at: 24 * H, value: 1050 },
      { at: 24 * H + 1, value: 5000 },
    ];
    expect(fundingOi.evaluate(ctx(24 * H, [{ at: 20 * H, value: 0.002 }], oi), params).action).toBe("PASS");
  });
});
