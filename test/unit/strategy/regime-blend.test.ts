import { describe, expect, it } from "vitest";
import { RegimeBlendConfigSchema } from "../../../src/lib/config";
import { RegimeBlendParamsSchema } from "../../../src/lib/strategy/regime-blend-params";
import { regimeBlend } from "../../../src/lib/strategy/regime-blend-strategy";
import { refBands, refEfficiency, refMomentum, refRsi } from "./reference";
import { candles4h, ctxAtClose, expectNear, indicesBetween, iso, SYMBOLS, tally } from "./support";

const params = regimeBlend.params.parse({});

function expected(closes: number[]): { action: string; rule: string | null; rsi: number; mom: number; er: number; upper: number; lower: number } {
  const rsi = refRsi(closes);
  const mom = refMomentum(closes);
  const er = refEfficiency(closes);
  const { upper, lower } = refBands(closes);
  const close = closes.at(-1)!;
  const base = { rsi, mom, er, upper, lower };
  if (er >= 0.3) {
    if (mom < -0.05) return { ...base, action: "CLOSE", rule: "trend exit" };
    if (rsi > 50 && mom > 0.02) return { ...base, action: "LONG", rule: "trend entry" };
    return { ...base, action: "PASS", rule: null };
  }
  if (close > upper * 0.98) return { ...base, action: "CLOSE", rule: "range exit" };
  if (close < lower * 1.02 && rsi < 40) return { ...base, action: "LONG", rule: "range entry" };
  return { ...base, action: "PASS", rule: null };
}

describe("regime-blend strategy on real 4h candles", () => {
  it("fires exactly the seed rule at every 4h close of 2025 on BTC, ETH and SOL", () => {
    const rules: string[] = [];
    for (const { file, symbol } of SYMBOLS) {
      const candles = candles4h(file);
      for (const i of indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))) {
        const ctx = ctxAtClose(symbol, candles, i);
        const s = regimeBlend.evaluate(ctx, params);
        const e = expected(ctx.candles["4h"]!.map((c) => c.c));
        const at = `${symbol} ${iso(candles[i]!.t)}`;
        expect(s.action, at).toBe(e.action);
        expect(s.metadata.rule ?? null, at).toBe(e.rule);
        expectNear(s.metadata.rsi, e.rsi, `${at} rsi`);
        expectNear(s.metadata.momentum, e.mom, `${at} momentum`);
        expectNear(s.metadata.efficiencyRatio, e.er, `${at} ER`);
        expectNear(s.metadata.bbUpper, e.upper, `${at} upper`);
        expectNear(s.metadata.bbLower, e.lower, `${at} lower`);
        expect(s.metadata.regime, at).toBe(e.er >= 0.3 ? "trending" : "ranging");
        expect(s).toMatchObject({ strategy: "regime-blend", symbol, at: ctx.now });
        if (e.rule !== null) expect(s.reason.startsWith(`${e.rule}: `), at).toBe(true);
        rules.push(e.rule ?? "PASS");
      }
    }
    expect(Object.keys(tally(rules)).sort()).toEqual(["PASS", "range entry", "range exit", "trend entry", "trend exit"]);
  });

  it("passes with the history it lacks named when fewer than 20 candles closed", () => {
    const candles = candles4h("BTCUSDT");
    const s = regimeBlend.evaluate(ctxAtClose("BTC/USDT", candles, 500, {}, 19), params);
    expect(s).toMatchObject({ action: "PASS", confidence: 0, reason: "not enough history: 19 candles, need 20" });
  });

  it("has the same parameters and defaults as the engine config's regime blend section", () => {
    expect(RegimeBlendParamsSchema.parse({})).toEqual(RegimeBlendConfigSchema.parse({}));
    expect(Object.keys(RegimeBlendParamsSchema.shape).sort()).toEqual(Object.keys(RegimeBlendConfigSchema.shape).sort());
  });
});
