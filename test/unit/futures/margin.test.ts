import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bankruptcyPrice, fundingPayment, isolatedMargin, liquidates, liquidationDistance, liquidationPrice } from "../../../src/lib/futures/margin";

describe("isolated margin of a USD-M position", () => {
  it("liquidates a 10x BTC long where margin plus loss falls to the maintenance margin (Binance's example figures)", () => {
    // 1 BTC long at 10,000 with 10x: margin 1,000; at LP, 1,000 + (LP − 10,000) = 0.004 × LP → LP = 9,000 / 0.996.
    const p = { side: "long" as const, qty: 1, entryPrice: 10_000, leverage: 10 };
    expect(isolatedMargin(p)).toBe(1_000);
    expect(liquidationPrice(p, 0.004)).toBeCloseTo(9_000 / 0.996, 9);
    expect(bankruptcyPrice(p)).toBeCloseTo(9_000, 9);
    expect(liquidates(p, 9_036.2, 0.004)).toBe(false);
    expect(liquidates(p, 9_036.1, 0.004)).toBe(true);
  });

  it("liquidates a short above its entry, later when funding was received into its margin", () => {
    const p = { side: "short" as const, qty: 2, entryPrice: 100, leverage: 5 };
    // margin 40; 40 − 2 (LP − 100) = 0.004 × 2 × LP → LP = 240 / 2.008.
    expect(liquidationPrice(p, 0.004)).toBeCloseTo(240 / 2.008, 9);
    expect(liquidationPrice({ ...p, funding: 4 }, 0.004)).toBeCloseTo(244 / 2.008, 9);
    expect(bankruptcyPrice(p)).toBeCloseTo(120, 9);
  });

  it("at the liquidation price, margin + unrealized P&L equals the maintenance margin, either side (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("long" as const, "short" as const),
        fc.double({ min: 1e-3, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (side, qty, entryPrice, leverage, mmrShare) => {
          // The venue's tiers keep the maintenance rate under the initial margin rate (1 / leverage).
          const mmr = (mmrShare / 0.05) * (0.99 / leverage);
          const p = { side, qty, entryPrice, leverage };
          const lp = liquidationPrice(p, mmr);
          if (lp === 0) return; // a 1x long is never liquidated above zero
          const s = side === "long" ? 1 : -1;
          const equity = isolatedMargin(p) + s * qty * (lp - entryPrice);
          expect(equity).toBeCloseTo(mmr * qty * lp, 6);
          // The market never has to move further than the margin (1 / leverage) before the venue steps in.
          expect(liquidationDistance(p, mmr)).toBeLessThanOrEqual((1 / leverage) * (1 + 1e-9));
        },
      ),
    );
  });

  it("funding: longs pay shorts when the rate is positive, on the notional at the mark price", () => {
    expect(fundingPayment("long", 0.5, 60_000, 0.0001)).toBeCloseTo(-3, 12);
    expect(fundingPayment("short", 0.5, 60_000, 0.0001)).toBeCloseTo(3, 12);
    expect(fundingPayment("short", 0.5, 60_000, -0.0002)).toBeCloseTo(-6, 12);
  });
});
