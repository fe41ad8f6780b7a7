import { describe, expect, it } from "vitest";
import { shippedCandles } from "./shipped";
import { advance, createSession, startTicker, tickerStub, untilMinute } from "./support";

const DAY = 86_400_000;

describe("TickerActor ingest over a real socket", () => {
  it("builds 15m, 4h and 1d candles from streamed 1m klines equal to the shipped ones", async () => {
    const start = Date.UTC(2025, 5, 3);
    const session = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"], partials: 1 });
    const status = await startTicker(session, "BTC/USDT");
    expect(status.feed.status === "live" || status.feed.status === "connecting").toBe(true);
    await untilMinute("BTC/USDT", start - 60_000, 5_000).catch(() => null);
    await advance(session, 1440);
    await untilMinute("BTC/USDT", start + DAY - 60_000, 60_000);
    const ticker = tickerStub("BTC/USDT");
    for (const [tf, count] of [
      ["15m", 96],
      ["4h", 6],
      ["1d", 1],
    ] as const) {
      const built = (await ticker.candles(tf, 2000)).filter((c) => c.t >= start && c.t < start + DAY);
      const shipped = shippedCandles("BTCUSDT", tf, start, start + DAY);
      expect(built, tf).toHaveLength(count);
      expect(shipped).toHaveLength(count);
      built.forEach((c, i) => {
        const s = shipped[i]!;
        expect([c.t, c.o, c.h, c.l, c.c], `${tf} ${new Date(c.t).toISOString()}`).toEqual([s.t, s.o, s.h, s.l, s.c]);
        expect(Math.abs(c.v - s.v), `${tf} volume at ${new Date(c.t).toISOString()}`).toBeLessThanOrEqual(1e-8);
      });
    }
    const st = await ticker.status();
    expect(st.feed.framesOk).toBeGreaterThanOrEqual(2880);
    expect(st.feed.dropped).toEqual({});
    // A day of frames takes 13–18 s alone and more beside the rest of the suite: speed lives in the benchmarks.
  }, 90_000);
});
