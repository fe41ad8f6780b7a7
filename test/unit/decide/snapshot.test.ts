import { describe, expect, it } from "vitest";
import { buildSnapshot, type SnapshotInput } from "../../../src/lib/decide/snapshot";
import { loadCandles } from "../../../sim/data/candles";

const H4 = 14_400_000;
const all4h = loadCandles("BTCUSDT", "4h");

function input(candleCount: number, price: { p: number; at: number } | null): SnapshotInput {
  return {
    portfolio: "main",
    wake: { layer: "manual", reason: "test" },
    tickers: [{ symbol: "BTC/USDT", timeframe: "4h", candles: all4h.slice(0, candleCount), price: price?.p ?? null, priceAt: price?.at ?? null, zRet: 0, zVol: 0 }],
    account: { cash: 10_000, equity: 10_000, exposure: 0, tradingState: "ACTIVE", positions: [] },
    limits: { maxPositionPct: 0.3, maxExposurePct: 0.7, maxPositions: 3, minNotional: 10 },
  };
}

describe("point-in-time snapshot", () => {
  it("built at t is unchanged when later candles and prices exist", () => {
    const t = all4h[500]!.t; // 4h candle 499 closes exactly at t
    const early = buildSnapshot(input(500, { p: all4h[499]!.c, at: t }), t);
    const later = buildSnapshot(input(900, { p: 1, at: t + 1 }), t);
    expect(later).toEqual(early);
    expect(early.tickers[0]!.candles).toHaveLength(500);
    expect(early.tickers[0]!.candles.at(-1)!.t + H4).toBe(t);
    expect(early.tickers[0]!.price).toBe(all4h[499]!.c);
  });

  it("leaves out the forming candle", () => {
    const t = all4h[500]!.t + 1000;
    expect(buildSnapshot(input(501, null), t).tickers[0]!.candles).toHaveLength(500);
  });
});
