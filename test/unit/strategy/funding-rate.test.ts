import { describe, expect, it } from "vitest";
import { loadFunding } from "../../../sim/data/candles";
import { fundingRate } from "../../../src/lib/strategy/funding-rate";
import type { StrategyContext } from "../../../src/lib/strategy/strategy";
import { candles4h, fundingPoints, H, iso, SYMBOLS, tally, TF4H } from "./support";

const params = fundingRate.params.parse({});

function ctx(symbol: string, now: number, funding: StrategyContext["funding"]): StrategyContext {
  return { symbol, now, candles: {}, funding, openInterest: null, regime: null, position: null };
}

describe("funding-rate on the shipped funding history", () => {
  it("is contrarian at every 4h close from 2020-03 to 2026-03 on BTC, ETH and SOL", () => {
    const seen: string[] = [];
    for (const { file, symbol } of SYMBOLS) {
      const raw = loadFunding(file);
      const points = fundingPoints(file);
      let j = -1; // last raw point with t <= now
      for (const c of candles4h(file)) {
        const now = c.t + TF4H;
        while (j + 1 < raw.length && raw[j + 1]!.t <= now) j++;
        // a few later points ride along: the strategy must ignore them
        const s = fundingRate.evaluate(ctx(symbol, now, points.slice(Math.max(0, j - 5), j + 4)), params);
        const last = j >= 0 ? raw[j]! : null;
        let action = "PASS";
        if (last !== null && now - last.t <= 12 * H) {
          if (last.rate >= 0.0005) action = "SHORT";
          else if (last.rate <= -0.0005) action = "LONG";
        }
        const at = `${symbol} ${iso(now)}`;
        expect(s.action, at).toBe(action);
        if (action !== "PASS") {
          expect(s.metadata.fundingRate, at).toBe(last!.rate);
          expect(s.confidence, at).toBeCloseTo(Math.min(1, Math.abs(last!.rate) / 0.0005 / 2), 12);
        }
        seen.push(last !== null && now - last.t <= 12 * H ? s.action : `${s.action} stale`);
      }
    }
    const counts = tally(seen);
    // SOL candles start in 2020-08, its funding only in 2022-06: those closes have no funding to read
    expect(Object.keys(counts).sort()).toEqual(["LONG", "PASS", "PASS stale", "SHORT"]);
    expect(counts.SHORT).toBeGreaterThan(counts.LONG!);
  });

  it("goes long on the −0.3 % BTC print of the March 2020 crash from the moment it settles", () => {
    const points = fundingPoints("BTCUSDT");
    const settle = Date.UTC(2020, 2, 13, 8);
    expect(points.find((p) => p.at === settle)?.value).toBe(-0.003);
    const s = fundingRate.evaluate(ctx("BTC/USDT", settle, points), params);
    expect(s).toMatchObject({ action: "LONG", confidence: 1, at: settle, metadata: { fundingRate: -0.003, rateOverThreshold: 6 } });
    expect(s.reason).toBe("extreme negative funding: -0.3000% ≤ −0.0500%, shorts crowded");
    const before = fundingRate.evaluate(ctx("BTC/USDT", settle - 1, points), params);
    expect(before.metadata.fundingAt).toBe(settle - 8 * H);
  });

  it("goes long on SOL's −2 % funding cap during the FTX collapse", () => {
    const points = fundingPoints("SOLUSDT");
    const capped = points.filter((p) => p.value <= -0.02 && p.at >= Date.UTC(2022, 10, 1) && p.at < Date.UTC(2022, 11, 1));
    expect(capped.length).toBeGreaterThan(3);
    for (const p of capped) expect(fundingRate.evaluate(ctx("SOL/USDT", p.at + H, points), params)).toMatchObject({ action: "LONG", confidence: 1 });
  });

  it("short at exactly +0.05 % with confidence 0.5; pass just inside it", () => {
    const at = (rate: number) => fundingRate.evaluate(ctx("BTC/USDT", 10 * H, [{ at: 9 * H, value: rate }]), params);
    expect(at(0.0005)).toMatchObject({ action: "SHORT", confidence: 0.5 });
    expect(at(0.00075).confidence).toBeCloseTo(0.75, 12);
    expect(at(0.000499).action).toBe("PASS");
    expect(at(-0.0005)).toMatchObject({ action: "LONG", confidence: 0.5 });
  });

  it("passes when the last settled rate is more than 12 h old", () => {
    const points = [{ at: 0, value: 0.003 }];
    expect(fundingRate.evaluate(ctx("BTC/USDT", 12 * H, points), params).action).toBe("SHORT");
    const stale = fundingRate.evaluate(ctx("BTC/USDT", 12 * H + 1, points), params);
    expect(stale).toMatchObject({ action: "PASS", confidence: 0 });
    expect(stale.reason).toMatch(/^last funding rate is 12\.0 h old/);
    expect(fundingRate.evaluate(ctx("BTC/USDT", 12 * H, []), params).reason).toBe("no funding rate settled at or before now");
  });
});
