import { describe, expect, it } from "vitest";
import { ExitConfigSchema } from "../../../src/lib/config";
import { checkSafety, safetyLevels } from "../../../src/lib/exits/safety";

const cfg = ExitConfigSchema.parse({});
const H = 3_600_000;

describe("the safety layer on a short, and take-profit and trail multipliers on either side", () => {
  it("puts a short's hard stop above the entry and its trailing stop above the trough, where checkSafety fires them", () => {
    const short = { side: "short" as const, entryPrice: 100, peakPrice: 90, openedAt: 0 };
    const l = safetyLevels(short, cfg);
    expect(l.hardStop).toBeCloseTo(115, 9);
    expect(l.trailingActive).toBe(true); // the trough is 10 % under the entry, past the 8 % activation
    expect(l.trailingStop).toBeCloseTo(90 * 1.12, 9);
    expect(checkSafety({ ...short, peakPrice: 99, price: 114.9 }, H, cfg)).toBeNull();
    expect(checkSafety({ ...short, peakPrice: 99, price: 115.1 }, H, cfg)?.kind).toBe("hard_stop");
    expect(checkSafety({ ...short, price: l.trailingStop! * 0.9999 }, H, cfg)).toBeNull();
    expect(checkSafety({ ...short, price: l.trailingStop! * 1.0001 }, H, cfg)?.kind).toBe("trailing_stop");
    // A long at the same prices: the short's losses are its gains.
    expect(checkSafety({ entryPrice: 100, peakPrice: 115.1, price: 115.1, openedAt: 0 }, H, cfg)).toBeNull();
  });

  it("takes the profit at the nearer of the fixed and the ATR target, on either side; off by default", () => {
    expect(checkSafety({ entryPrice: 100, peakPrice: 150, price: 105, openedAt: 0 }, H, { ...cfg, trailActivationPct: 10 })).toBeNull();
    const tp = ExitConfigSchema.parse({ takeProfitPct: 0.06, takeProfitAtr: 3 });
    // ATR 1.5 % of the price: 3 ATRs = 4.5 %, nearer than 6 %.
    const entry = { atrPct: 1.5 };
    expect(safetyLevels({ entryPrice: 100, peakPrice: 100, openedAt: 0, entry }, tp).takeProfit).toBeCloseTo(104.5, 9);
    expect(checkSafety({ entryPrice: 100, peakPrice: 104.4, price: 104.4, openedAt: 0, entry }, H, tp)).toBeNull();
    expect(checkSafety({ entryPrice: 100, peakPrice: 104.6, price: 104.6, openedAt: 0, entry }, H, tp)?.kind).toBe("take_profit");
    expect(checkSafety({ side: "short", entryPrice: 100, peakPrice: 95.4, price: 95.4, openedAt: 0, entry }, H, tp)?.kind).toBe("take_profit");
    // Without an ATR at entry, the fixed target.
    expect(checkSafety({ entryPrice: 100, peakPrice: 105, price: 105, openedAt: 0 }, H, tp)).toBeNull();
    expect(checkSafety({ entryPrice: 100, peakPrice: 106.1, price: 106.1, openedAt: 0 }, H, tp)?.kind).toBe("take_profit");
  });

  it("narrows the trail by the macro regime's multiplier at entry (stagflation 0.75)", () => {
    const p = { entryPrice: 100, peakPrice: 120, openedAt: 0 };
    const price = 120 * (1 - 0.1); // 10 % off the peak: inside the 12 % trail, outside 0.75 × 12 % = 9 %
    expect(checkSafety({ ...p, price }, H, cfg)).toBeNull();
    expect(checkSafety({ ...p, price, entry: { trailMultiplier: 0.75 } }, H, cfg)?.kind).toBe("trailing_stop");
    expect(safetyLevels({ ...p, entry: { trailMultiplier: 0.75 } }, cfg).trailingStop).toBeCloseTo(120 * (1 - 0.09), 9);
  });

  it("sets the hard stop at ATR multiples when asked, never wider than hardStopPct", () => {
    const atrStops = ExitConfigSchema.parse({ hardStopAtr: 2 });
    expect(safetyLevels({ entryPrice: 100, peakPrice: 100, openedAt: 0, entry: { atrPct: 3 } }, atrStops).hardStop).toBeCloseTo(94, 9);
    expect(safetyLevels({ entryPrice: 100, peakPrice: 100, openedAt: 0, entry: { atrPct: 30 } }, atrStops).hardStop).toBeCloseTo(85, 9);
    expect(safetyLevels({ side: "short", entryPrice: 100, peakPrice: 100, openedAt: 0, entry: { atrPct: 3 } }, atrStops).hardStop).toBeCloseTo(106, 9);
  });
});
