import { describe, expect, it } from "vitest";
import { derivativesAgent, type DerivativesInputs } from "../../../src/lib/agents/derivatives-agent";
import { recentFunding } from "../../../src/lib/agents/recent-funding";
import { loadFunding } from "../../../sim/data/candles";
import { expectClose } from "./support";

const NONE: DerivativesInputs = { funding: null, takerDelta: null, longShortRatio: null, openInterestChange: null, priceChange: null };
const H = 3_600_000;

describe("recent funding input", () => {
  it("is the mean of the last three settled 8h rates on real BTC funding, every day of 2024", () => {
    const raw = loadFunding("BTCUSDT");
    const points = raw.map((p) => ({ at: p.t, value: p.rate }));
    let compared = 0;
    for (let now = Date.UTC(2024, 0, 1, 5); now < Date.UTC(2025, 0, 1); now += 24 * H) {
      const settled = raw.filter((p) => p.t <= now);
      const last3 = settled.slice(-3);
      const expected = (last3[0]!.rate + last3[1]!.rate + last3[2]!.rate) / 3;
      expectClose(recentFunding(points, now), expected, new Date(now).toISOString());
      compared++;
    }
    expect(compared).toBe(366);
  });

  it("rescales SOL's 2h funding of November 2022 to 8h", () => {
    const raw = loadFunding("SOLUSDT");
    const points = raw.map((p) => ({ at: p.t, value: p.rate }));
    const now = Date.UTC(2022, 10, 14, 12, 30);
    const settled = raw.filter((p) => p.t <= now).slice(-4);
    expect(settled.slice(1).map((p, k) => p.t - settled[k]!.t)).toEqual([2 * H, 2 * H, 2 * H]);
    const expected = (settled.slice(1).reduce((s, p) => s + p.rate, 0) * 4) / 3;
    expectClose(recentFunding(points, now), expected);
  });

  it("is null before any settlement and when the last one is stale", () => {
    const points = [{ at: 10 * H, value: 0.0001 }];
    expect(recentFunding(points, 9 * H)).toBeNull();
    expect(recentFunding(points, 10 * H)).toBe(0.0001);
    expect(recentFunding(points, 35 * H)).toBeNull();
  });
});

describe("derivatives agent", () => {
  it("with funding only, scores −tanh((funding − 0.0001)/0.0005) on real ETH funding through 2021–2025", () => {
    const raw = loadFunding("ETHUSDT");
    const points = raw.map((p) => ({ at: p.t, value: p.rate }));
    let bullish = 0;
    let bearish = 0;
    for (let now = Date.UTC(2021, 0, 1, 1); now < Date.UTC(2026, 0, 1); now += 7 * 24 * H) {
      const last3 = raw.filter((p) => p.t <= now).slice(-3);
      const f = last3.reduce((s, p) => s + p.rate, 0) / 3;
      const s = derivativesAgent("ETH/USDT", { ...NONE, funding: recentFunding(points, now) });
      expect(s.active).toBe(true);
      expectClose(s.score, -Math.tanh((f - 0.0001) / 0.0005), new Date(now).toISOString());
      if (s.score > 0) bullish++;
      if (s.score < 0) bearish++;
    }
    // 2021's crowded longs read bearish, negative funding in the 2022 bear reads bullish.
    expect(bullish).toBeGreaterThan(10);
    expect(bearish).toBeGreaterThan(10);
  });

  it("weights funding 0.35, taker delta 0.30, long/short 0.25, open interest 0.10 with each sign as the seed", () => {
    const inputs = { funding: 0.0004, takerDelta: 0.05, longShortRatio: 1.3, openInterestChange: 0.08, priceChange: -0.03 };
    const f = -Math.tanh((0.0004 - 0.0001) / 0.0005);
    const t = Math.tanh(0.05 / 0.1);
    const ls = -Math.tanh(Math.log(1.3) / 0.5);
    const oi = -Math.tanh(0.08 / 0.1); // rising OI behind a falling price confirms the fall
    const s = derivativesAgent("BTC/USDT", inputs);
    expectClose(s.score, 0.35 * f + 0.3 * t + 0.25 * ls + 0.1 * oi);
    expect(f).toBeLessThan(0);
    expect(t).toBeGreaterThan(0);
    expect(ls).toBeLessThan(0);
  });

  it("renormalises the weights over the components present", () => {
    const t = Math.tanh(-0.2 / 0.1);
    const ls = -Math.tanh(Math.log(0.7) / 0.5);
    const s = derivativesAgent("BTC/USDT", { ...NONE, takerDelta: -0.2, longShortRatio: 0.7 });
    expectClose(s.score, (0.3 * t + 0.25 * ls) / 0.55);
  });

  it("drops open interest without a price change to sign it", () => {
    expect(derivativesAgent("BTC/USDT", { ...NONE, openInterestChange: 0.2 }).active).toBe(false);
    expectClose(derivativesAgent("BTC/USDT", { ...NONE, openInterestChange: 0.2, priceChange: 0.01 }).score, Math.tanh(2));
  });

  it("is inactive when every component is missing", () => {
    expect(derivativesAgent("BTC/USDT", NONE)).toMatchObject({ agent: "derivatives", active: false, score: 0 });
  });
});
