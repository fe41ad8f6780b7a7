import { describe, expect, it } from "vitest";
import { buildSnapshot, laggingSymbols, MarketSnapshotSchema, snapshotAccount, type TickerInput } from "../../../src/lib/decide/snapshot";
import { aggregateCandles } from "../../../src/lib/market/aggregate";
import { loadCandles, loadFunding } from "../../../sim/data/candles";
import { snapshotInput } from "./fixtures";

const H4 = 14_400_000;
const H1 = 3_600_000;
const btc4h = loadCandles("BTCUSDT", "4h");
const btc1h = aggregateCandles(loadCandles("BTCUSDT", "15m"), "1h");
const btc1d = loadCandles("BTCUSDT", "1d");
const funding = loadFunding("BTCUSDT");

/** Everything known about BTC up to `until` (exclusive of later data) — or all of it. */
function btcInput(until: number | null, price: { value: number; at: number }): TickerInput {
  const cut = <T extends { t: number }>(xs: T[]) => (until === null ? xs : xs.filter((x) => x.t < until));
  const horizon = until ?? Date.UTC(2025, 5, 6);
  const f = funding.filter((p) => p.t < horizon).slice(-12);
  return {
    symbol: "BTC/USDT",
    candles: { "1h": cut(btc1h).slice(-300), "4h": cut(btc4h).slice(-300), "1d": cut(btc1d).slice(-300) },
    price,
    features: { zRet: 0.5, zVol: 1.2, at: price.at },
    funding: f.map((p) => ({ value: p.rate, at: p.t })),
  };
}

describe("point-in-time snapshot", () => {
  const t = Date.UTC(2025, 5, 3, 12); // a 4h close, inside the shipped 1h (from 15m) history
  const priceAt = (x: number) => btc1h.find((c) => c.t + H1 === x)!.c;

  it("built at t is unchanged when later candles, prices, funding, trades and memory exist", () => {
    const early = buildSnapshot(snapshotInput([btcInput(t, { value: priceAt(t), at: t })], { memory: { value: "note", at: t - 1 } }), t);
    const laterTrades = [{ symbol: "BTC/USDT", agent: "x", pnl: 5, pnlPct: 0.01, exitKind: "decision", openedAt: t - 10, closedAt: t + 1 }];
    const later = buildSnapshot(
      snapshotInput(
        [
          {
            ...btcInput(null, { value: 1, at: t + 1 }),
            candles: {
              "1h": btc1h.filter((c) => c.t < t + 40 * H1).slice(-340),
              "4h": btc4h.filter((c) => c.t < t + 10 * H4).slice(-310),
              "1d": btc1d.filter((c) => c.t < t + 86_400_000 * 3).slice(-303),
            },
          },
        ],
        {
          memory: { value: "written later", at: t + 5 },
          recentTrades: laterTrades,
        },
      ),
      t,
    );
    // The later input's windows are longer by exactly the candles after t, so after dropping those the
    // indicators see the same history; the price and memory after t fall back or drop out.
    expect(later.tickers[0]!.timeframes).toEqual(early.tickers[0]!.timeframes);
    expect(later.tickers[0]!.returns).toEqual(early.tickers[0]!.returns);
    expect(later.tickers[0]!.derivatives).toEqual(early.tickers[0]!.derivatives);
    expect(later.recentTrades).toEqual([]);
    expect(later.memory).toBeNull();
    expect(later.tickers[0]!.price.at).toBeLessThanOrEqual(t);
  });

  it("stamps every group with a source time no later than t", () => {
    const s = buildSnapshot(snapshotInput([btcInput(t + 10 * H4, { value: 1, at: t + 1 })]), t);
    MarketSnapshotSchema.parse(s);
    const tk = s.tickers[0]!;
    const times = [tk.price.at, tk.returns!.at, tk.features.at, tk.derivatives.fundingRate!.at, tk.regime!.at, ...Object.values(tk.timeframes).map((x) => x.at)];
    expect(times.every((x) => x <= t)).toBe(true);
    expect(tk.timeframes["4h"]!.at).toBe(t);
    expect(tk.timeframes["1d"]!.at).toBe(Date.UTC(2025, 5, 3));
    expect(tk.candles.at(-1)!.t + H4).toBe(t);
    expect(tk.derivatives).toMatchObject({ openInterest: null, takerBuySellRatio: null, longShortRatio: null });
    expect(tk.derivatives.fundingRate!.at).toBe(Date.UTC(2025, 5, 3, 8));
  });

  it("computes returns over 4 h and 24 h from closed hourly candles", () => {
    const s = buildSnapshot(snapshotInput([btcInput(t, { value: priceAt(t), at: t })]), t);
    const hourly = btc1h.filter((c) => c.t + H1 <= t);
    const last = hourly.at(-1)!.c;
    expect(s.tickers[0]!.returns!.r4h).toBeCloseTo(last / hourly.at(-5)!.c - 1, 12);
    expect(s.tickers[0]!.returns!.r24h).toBeCloseTo(last / hourly.at(-25)!.c - 1, 12);
    expect(s.tickers[0]!.returns!.volume24h).toBeCloseTo(
      hourly.slice(-24).reduce((a, c) => a + c.v, 0),
      6,
    );
  });

  it("omits a ticker with neither a price nor a closed candle", () => {
    const s = buildSnapshot(snapshotInput([{ symbol: "SOL/USDT", candles: {}, price: null, features: null, funding: [] }]), t);
    expect(s.tickers).toEqual([]);
  });
});

describe("laggingSymbols", () => {
  const at = Date.UTC(2026, 2, 26, 12, 5, 30);
  const ticker = (symbol: string, closedThrough: number | null) => ({ symbol, closedThrough });

  it("names the markets whose closed minutes stop short of the minute of the decision, and by how much", () => {
    const minute = Date.UTC(2026, 2, 26, 12, 5);
    expect(laggingSymbols([ticker("BTC/USDT", minute), ticker("ETH/USDT", minute - 120_000), ticker("SOL/USDT", minute + 60_000)], at)).toEqual([{ symbol: "ETH/USDT", behindMs: 120_000 }]);
  });

  it("counts a market without candles as behind", () => {
    expect(laggingSymbols([ticker("BTC/USDT", null), ticker("ETH/USDT", Date.UTC(2026, 2, 26, 12, 5))], at)).toEqual([{ symbol: "BTC/USDT", behindMs: Infinity }]);
  });
});

describe("the account in a snapshot", () => {
  const t = Date.UTC(2025, 5, 3, 12);
  const price = { value: 110, at: t };
  const position = { id: "p1", symbol: "BTC/USDT", status: "open" as const, notional: 200, qty: 2, entryPrice: 100, lastPrice: 105, openedAt: t - H1 };
  const pending = { ...position, id: "p2", symbol: "ETH/USDT", status: "pending" as const, notional: 50, qty: 0, entryPrice: 0, lastPrice: 0 };

  it("lists the open positions of the book marked at the snapshot's prices, and values equity and exposure at them", () => {
    const account = snapshotAccount({ cash: 750, positions: [position, pending], tradingState: "ACTIVE" }, t - 5 * 60_000);
    expect(account).toMatchObject({ equity: 960, exposure: 260, pendingNotional: 50 });
    const s = buildSnapshot(snapshotInput([btcInput(t, price)], { account }), t);
    expect(s.account.positions).toEqual([{ id: "p1", symbol: "BTC/USDT", qty: 2, entryPrice: 100, lastPrice: 110, openedAt: t - H1, pnlPct: expect.closeTo(0.1, 12) }]);
    // Cash, the position at 110, and the entry not filled yet at its reserved quote.
    expect(s.account).toMatchObject({ cash: 750, equity: 970, exposure: 270, at: t });
    expect(MarketSnapshotSchema.safeParse(s).success).toBe(true);
  });

  it("keeps a position's own mark when its market is not in the snapshot", () => {
    const account = snapshotAccount({ cash: 750, positions: [{ ...position, symbol: "SOL/USDT" }], tradingState: "ACTIVE" }, t);
    const s = buildSnapshot(snapshotInput([btcInput(t, price)], { account }), t);
    expect(s.account.positions[0]).toMatchObject({ lastPrice: 105, pnlPct: expect.closeTo(0.05, 12) });
    expect(s.account).toMatchObject({ equity: 960, exposure: 210 });
  });
});
