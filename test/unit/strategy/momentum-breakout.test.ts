import { describe, expect, it } from "vitest";
import { momentumBreakout } from "../../../src/lib/strategy/momentum-breakout";
import { refBands, refMean } from "./reference";
import { candles4h, ctxAtClose, expectNear, indicesBetween, iso, SYMBOLS, tally } from "./support";

const params = momentumBreakout.params.parse({});

describe("momentum-breakout on real 4h candles", () => {
  it("signals a band break on a volume spike, and only then, at every 4h close of 2025", () => {
    const seen: string[] = [];
    const nearMisses: string[] = [];
    for (const { file, symbol } of SYMBOLS) {
      const candles = candles4h(file);
      for (const i of indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))) {
        const ctx = ctxAtClose(symbol, candles, i, {}, 60);
        const s = momentumBreakout.evaluate(ctx, params);
        const window = ctx.candles["4h"]!;
        const { mean, upper, lower } = refBands(window.map((c) => c.c));
        const volumes = window.map((c) => c.v);
        const avg = refMean(volumes, volumes.length - 21, volumes.length - 1);
        const close = window.at(-1)!.c;
        const ratio = window.at(-1)!.v / avg;
        const action = ratio >= 2 && close > upper ? "LONG" : ratio >= 2 && close < lower ? "SHORT" : "PASS";
        const at = `${symbol} ${iso(candles[i]!.t)}`;
        expect(s.action, at).toBe(action);
        expectNear(s.metadata.bbUpper, upper, `${at} upper`);
        expectNear(s.metadata.bbLower, lower, `${at} lower`);
        expectNear(s.metadata.bbMiddle, mean, `${at} middle`);
        expectNear(s.metadata.avgVolume, avg, `${at} avg volume`);
        expectNear(s.confidence, action === "PASS" ? 0 : Math.min(1, ratio / 4), `${at} confidence`);
        seen.push(s.action);
        if (action === "PASS" && (close > upper || close < lower)) nearMisses.push(at);
      }
    }
    expect(Object.keys(tally(seen)).sort()).toEqual(["LONG", "PASS", "SHORT"]);
    // band breaks without a spike exist, so the volume condition is really exercised
    expect(nearMisses.length).toBeGreaterThan(0);
  });

  it("names the breakout in the reason", () => {
    const reasons: string[] = [];
    for (const { file, symbol } of SYMBOLS) {
      const candles = candles4h(file);
      for (const i of indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))) {
        const s = momentumBreakout.evaluate(ctxAtClose(symbol, candles, i, {}, 60), params);
        if (s.action !== "PASS") reasons.push(`${s.action} ${s.reason}`);
      }
    }
    const longs = reasons.filter((r) => r.startsWith("LONG"));
    const shorts = reasons.filter((r) => r.startsWith("SHORT"));
    expect(longs.length).toBeGreaterThan(0);
    expect(shorts.length).toBeGreaterThan(0);
    for (const r of longs) expect(r).toMatch(/^LONG upside breakout: close [\d.]+ > upper band [\d.]+, volume [\d.]+× average ≥ 2×$/);
    for (const r of shorts) expect(r).toMatch(/^SHORT downside breakout: close [\d.]+ < lower band [\d.]+, volume [\d.]+× average ≥ 2×$/);
  });

  it("passes when fewer than 21 candles closed (20 for the average plus the breakout candle)", () => {
    const s = momentumBreakout.evaluate(ctxAtClose("BTC/USDT", candles4h("BTCUSDT"), 300, {}, 20), params);
    expect(s).toMatchObject({ action: "PASS", reason: "not enough history: 20 closed 4h candles, need 21" });
  });
});
