import { describe, expect, it } from "vitest";
import { rsiMeanReversion } from "../../../src/lib/strategy/rsi-mean-reversion";
import type { StrategyContext } from "../../../src/lib/strategy/strategy";
import { refRsi } from "./reference";
import { candles4h, ctxAtClose, expectNear, indicesBetween, iso, SYMBOLS, tally } from "./support";

const params = rsiMeanReversion.params.parse({});
type Side = "LONG" | "SHORT";

/** The rule written out: exit first when holding, then the two extremes. */
function expectedAction(rsi: number, held: Side | null): { action: string; confidence: number } {
  if (held === "LONG" && rsi > 50) return { action: "CLOSE", confidence: 0.5 + 0.5 * Math.min(1, (rsi - 50) / 25) };
  if (held === "SHORT" && rsi < 50) return { action: "CLOSE", confidence: 0.5 + 0.5 * Math.min(1, (50 - rsi) / 25) };
  if (rsi > 75) return { action: "SHORT", confidence: 0.5 + (0.5 * (rsi - 75)) / 25 };
  if (rsi < 25) return { action: "LONG", confidence: 0.5 + (0.5 * (25 - rsi)) / 25 };
  return { action: "PASS", confidence: 0 };
}

describe("rsi-mean-reversion on real 4h candles", () => {
  it("follows the RSI rule at every 4h close of 2025 while trading its own signals", () => {
    const seen: string[] = [];
    for (const { file, symbol } of SYMBOLS) {
      const candles = candles4h(file);
      let held: { side: Side; entryPrice: number; openedAt: number } | null = null;
      for (const i of indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))) {
        const ctx = ctxAtClose(symbol, candles, i, { position: held });
        const s = rsiMeanReversion.evaluate(ctx, params);
        const rsi = refRsi(ctx.candles["4h"]!.map((c) => c.c));
        const e = expectedAction(rsi, held?.side ?? null);
        const at = `${symbol} ${iso(candles[i]!.t)} held ${held?.side ?? "none"}`;
        expect(s.action, at).toBe(e.action);
        expectNear(s.metadata.rsi, rsi, `${at} rsi`);
        expectNear(s.confidence, e.confidence, `${at} confidence`);
        seen.push(held === null ? s.action : `${s.action} holding ${held.side}`);
        if (s.action === "CLOSE") held = null;
        else if (held === null && (s.action === "LONG" || s.action === "SHORT")) held = { side: s.action, entryPrice: candles[i]!.c, openedAt: ctx.now };
      }
    }
    const counts = tally(seen);
    for (const a of ["LONG", "SHORT", "PASS", "CLOSE holding LONG", "CLOSE holding SHORT", "PASS holding LONG", "PASS holding SHORT"]) {
      expect(counts[a], a).toBeGreaterThan(0);
    }
  });

  it("treats a position without a side as a long (the spot engine holds only longs)", () => {
    const candles = candles4h("BTCUSDT");
    const i = indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)).find((j) => refRsi(candles.slice(j - 119, j + 1).map((c) => c.c)) > 60)!;
    const position: StrategyContext["position"] = { entryPrice: 1, openedAt: 0 };
    const s = rsiMeanReversion.evaluate(ctxAtClose("BTC/USDT", candles, i, { position }), params);
    expect(s.action).toBe("CLOSE");
    expect(s.reason).toMatch(/^exit long: RSI\(14\) \d+\.\d\d back above 50$/);
    expect(s.metadata.position).toBe("LONG");
  });

  it("uses configured thresholds", () => {
    const candles = candles4h("BTCUSDT");
    const i = indicesBetween(candles, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)).find((j) => {
      const r = refRsi(candles.slice(j - 119, j + 1).map((c) => c.c));
      return r > 25 && r < 35;
    })!;
    const ctx = ctxAtClose("BTC/USDT", candles, i);
    expect(rsiMeanReversion.evaluate(ctx, params).action).toBe("PASS");
    expect(rsiMeanReversion.evaluate(ctx, rsiMeanReversion.params.parse({ oversold: 35 })).action).toBe("LONG");
  });

  it("rejects thresholds out of order, naming exitLevel", () => {
    const r = rsiMeanReversion.params.safeParse({ oversold: 60 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["exitLevel"]);
  });

  it("passes without enough closed candles for RSI(14)", () => {
    const s = rsiMeanReversion.evaluate(ctxAtClose("BTC/USDT", candles4h("BTCUSDT"), 300, {}, 14), params);
    expect(s).toMatchObject({ action: "PASS", confidence: 0, reason: "not enough history: 14 closed 4h candles, need 15" });
  });
});
