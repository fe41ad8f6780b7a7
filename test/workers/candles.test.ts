import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CandleTuple } from "../../src/adapters/store/candle-store";
import type { Timeframe } from "../../src/lib/market/timeframe";
import { shippedCandles } from "./shipped";
import { advance, createSession, migrateD1, simState, startTicker, tickerStub, untilMinute, waitFor } from "./support";

const MIN = 60_000;
const TIMEFRAMES: Timeframe[] = ["1m", "15m", "1h", "4h", "1d"];

async function d1Candles(symbol: string, tf: Timeframe): Promise<CandleTuple[]> {
  return env.DB.prepare("SELECT t, o, h, l, c, v FROM candles WHERE symbol = ? AND timeframe = ? ORDER BY t").bind(symbol, tf).raw<CandleTuple>();
}

async function outboxPending(symbol: string): Promise<number> {
  return runInDurableObject(tickerStub(symbol), (i) => (i as unknown as { outbox: { pending(): number } }).outbox.pending());
}

/** Waits until D1 holds exactly the candles the ticker keeps, for every timeframe, with nothing left in its outbox. */
async function untilD1MatchesTicker(symbol: string, timeoutMs = 30_000): Promise<Record<Timeframe, CandleTuple[]>> {
  return waitFor(
    async () => {
      if ((await outboxPending(symbol)) > 0) return null;
      const out = {} as Record<Timeframe, CandleTuple[]>;
      for (const tf of TIMEFRAMES) {
        const kept = (await tickerStub(symbol).candles(tf, 5000)).map((c): CandleTuple => [c.t, c.o, c.h, c.l, c.c, c.v]);
        const stored = await d1Candles(symbol, tf);
        if (JSON.stringify(stored) !== JSON.stringify(kept)) return null;
        out[tf] = stored;
      }
      return out;
    },
    `D1 candles of ${symbol} equal to the ticker's`,
    timeoutMs,
    200,
  );
}

describe("TickerActor → D1 candles", () => {
  it("every closed candle the ticker keeps, bootstrapped or streamed, reaches D1 for backtests", async () => {
    await migrateD1();
    const start = Date.UTC(2025, 5, 3);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    await startTicker(s, "BTC/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await advance(s, 60);
    await untilMinute("BTC/USDT", start + 59 * MIN);
    const stored = await untilD1MatchesTicker("BTC/USDT");

    // Streamed: the hour's 60 minutes, its four 15m candles and the 1h candle, as the shipped files have them.
    expect(stored["1m"].filter(([t]) => t >= start)).toHaveLength(60);
    const streamed15m = stored["15m"].filter(([t]) => t >= start);
    expect(streamed15m.map(([t, o, h, l, c]) => [t, o, h, l, c])).toEqual(shippedCandles("BTCUSDT", "15m", start, start + 3_600_000).map((c) => [c.t, c.o, c.h, c.l, c.c]));
    expect(stored["1h"].at(-1)![0]).toBe(start);
    // Bootstrapped history: the 1000 daily klines REST gives less the open day, equal to the shipped ones.
    expect(stored["1d"]).toHaveLength(999);
    expect(stored["1d"].at(-1)![0]).toBe(start - 86_400_000);
    expect(stored["1d"]).toEqual(shippedCandles("BTCUSDT", "1d", stored["1d"][0]![0], start).map((c) => [c.t, c.o, c.h, c.l, c.c, c.v]));
    expect(stored["4h"]).toHaveLength(999);
  });

  it("a D1 outage and an eviction delay the candles and lose none", async () => {
    await migrateD1();
    const start = Date.UTC(2026, 2, 26, 8);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["ETHUSDT"] });
    await startTicker(s, "ETH/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    await untilD1MatchesTicker("ETH/USDT");

    // D1 loses the table (renamed away, its rows kept aside).
    await env.DB.prepare("ALTER TABLE candles RENAME TO candles_away").run();
    await advance(s, 15);
    await untilMinute("ETH/USDT", start + 14 * MIN);
    const held = await waitFor(async () => {
      const n = await outboxPending("ETH/USDT");
      return n >= 16 ? n : null; // 15 minutes and the 15m candle, at least
    }, "candles held in the outbox");
    expect(held).toBeGreaterThanOrEqual(16);

    // The ticker restarts while D1 is down; its outbox is in its own storage and survives.
    await evictDurableObject(tickerStub("ETH/USDT"));
    expect(await outboxPending("ETH/USDT")).toBe(held);

    await env.DB.prepare("ALTER TABLE candles_away RENAME TO candles").run();
    const stored = await untilD1MatchesTicker("ETH/USDT", 40_000);
    expect(stored["1m"].filter(([t]) => t >= start).map(([t]) => t)).toEqual(Array.from({ length: 15 }, (_, i) => start + i * MIN));
    expect(stored["15m"].at(-1)![0]).toBe(start);
  }, 60_000);
});
