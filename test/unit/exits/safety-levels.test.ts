import { describe, expect, it } from "vitest";
import { ExitConfigSchema } from "../../../src/lib/config";
import { checkSafety, safetyLevels } from "../../../src/lib/exits/safety";

const cfg = ExitConfigSchema.parse({});
const H = 3_600_000;

/** The levels the dashboard shows (GET /api/positions?live=true `stops`) are where checkSafety acts. */
describe("safetyLevels", () => {
  it("puts the hard stop where checkSafety fires it, and no trailing stop before the activation gain", () => {
    const p = { entryPrice: 100, peakPrice: 105, openedAt: 0 };
    const l = safetyLevels(p, cfg);
    expect(l.hardStop).toBeCloseTo(85, 9);
    expect(l.trailingActive).toBe(false);
    expect(l.trailingStop).toBeNull();
    expect(l.trailActivatesAt).toBeCloseTo(108, 9);
    expect(l.timeStopAt).toBe(cfg.maxHoldMs);
    expect(checkSafety({ ...p, price: l.hardStop * 1.0001 }, H, cfg)).toBeNull();
    expect(checkSafety({ ...p, price: l.hardStop * 0.9999 }, H, cfg)?.kind).toBe("hard_stop");
  });

  it("puts the trailing stop trailPct under the peak once active, where checkSafety fires it", () => {
    const p = { entryPrice: 100, peakPrice: 120, openedAt: 0 };
    const l = safetyLevels(p, cfg);
    expect(l.trailingActive).toBe(true);
    expect(l.trailingStop).toBeCloseTo(120 * (1 - cfg.trailPct), 9);
    expect(checkSafety({ ...p, price: l.trailingStop! * 1.0001 }, H, cfg)).toBeNull();
    expect(checkSafety({ ...p, price: l.trailingStop! * 0.9999 }, H, cfg)?.kind).toBe("trailing_stop");
  });

  it("has no time stop before the entry filled", () => {
    expect(safetyLevels({ entryPrice: 100, peakPrice: 100, openedAt: null }, cfg).timeStopAt).toBeNull();
  });
});
