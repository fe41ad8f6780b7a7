import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Candle } from "../../../src/lib/market/candle";
import { loadCandleRange, loadCandles } from "../../../sim/data/candles";
import { revealCandle } from "../../../sim/exchange/replay";
import { startExchangeSim, type ExchangeSim } from "../../../sim/exchange/server";
import { getJson, iso } from "./helpers";

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim();
});
afterAll(() => sim.close());

type Row = [number, string, string, string, string, string, number, string, number, string, string, string];
const ohlcv = (r: Row) => ({ t: r[0], o: +r[1], h: +r[2], l: +r[3], c: +r[4], v: +r[5] });
const agg = (cs: Candle[]): Candle => cs.reduce((a, c) => ({ t: a.t, o: a.o, h: Math.max(a.h, c.h), l: Math.min(a.l, c.l), c: c.c, v: a.v + c.v }));

async function klines(base: string, q: string): Promise<Row[]> {
  const r = await getJson(`${base}/api/v3/klines?${q}`);
  expect(r.status).toBe(200);
  return r.body as Row[];
}

describe("klines against the replay clock", () => {
  it("serves the shipped 4h and 1d rows of BTC 2025-06-02 from 1m aggregation (OHLC exact, volume to 1e-8)", async () => {
    const s = sim.createSession({ start: "2025-06-03T00:00:00Z", symbols: ["BTCUSDT"] });
    for (const [interval, ms] of [
      ["4h", 14_400_000],
      ["1d", 86_400_000],
    ] as const) {
      const rows = await klines(s.restBase, `symbol=BTCUSDT&interval=${interval}&startTime=${iso("2025-06-02T00:00:00Z")}&endTime=${iso("2025-06-02T23:59:59Z")}`);
      const shipped = loadCandleRange("BTCUSDT", interval, iso("2025-06-02T00:00:00Z"), iso("2025-06-03T00:00:00Z"));
      expect(rows.length).toBe(shipped.length);
      rows.forEach((r, i) => {
        const got = ohlcv(r);
        const want = shipped[i]!;
        expect({ ...got, v: 0 }).toEqual({ ...want, v: 0 });
        expect(Math.abs(got.v - want.v)).toBeLessThan(1e-8);
        expect(r[6]).toBe(want.t + ms - 1);
        expect(r.slice(7)).toEqual(["0.00000000", 0, "0.00000000", "0.00000000", "0"]);
      });
    }
  });

  it("builds candles the shipped files do not have from the 1m data (SOL 4h after 2026-03-15 ends the 4h file)", async () => {
    const s = sim.createSession({ start: "2026-03-26T00:00:00Z", symbols: ["SOLUSDT"] });
    const rows = await klines(s.restBase, `symbol=SOLUSDT&interval=4h&startTime=${iso("2026-03-15T00:00:00Z")}&limit=30`);
    const times = rows.map((r) => new Date(r[0]).toISOString());
    expect(times).toContain("2026-03-15T20:00:00.000Z");
    expect(times).not.toContain("2026-03-16T00:00:00.000Z"); // no source for 03-16..03-23
    expect(times[times.indexOf("2026-03-15T20:00:00.000Z") + 1]).toBe("2026-03-24T00:00:00.000Z");
    const m1 = loadCandleRange("SOLUSDT", "1m", iso("2026-03-24T00:00:00Z"), iso("2026-03-24T04:00:00Z"));
    const first = ohlcv(rows.find((r) => r[0] === iso("2026-03-24T00:00:00Z"))!);
    expect(first.c).toBe(agg(m1).c);
    expect(first.h).toBe(agg(m1).h);
  });

  it("never returns a candle opening after T and returns the candle containing T as partially revealed", async () => {
    const T = iso("2025-06-02T10:07:30Z"); // 2 of the 4 frames of 10:07 are out (partials 3)
    const s = sim.createSession({ start: T, symbols: ["BTCUSDT"] });
    const m1 = loadCandles("BTCUSDT", "1m");
    const minute = m1.find((c) => c.t === iso("2025-06-02T10:07:00Z"))!;
    const revealed = revealCandle(minute, 0.5);

    const rows1m = await klines(s.restBase, "symbol=BTCUSDT&interval=1m&limit=3");
    expect(rows1m.map((r) => r[0])).toEqual([iso("2025-06-02T10:05:00Z"), iso("2025-06-02T10:06:00Z"), iso("2025-06-02T10:07:00Z")]);
    const last = ohlcv(rows1m[2]!);
    expect(last.o).toBe(revealed.o);
    expect(last.c).toBe(revealed.c);
    expect(last.h).toBe(revealed.h);
    expect(last.l).toBe(revealed.l);
    expect(last.v).toBeCloseTo(minute.v / 2, 8);
    expect(last.v).toBeLessThan(minute.v);

    const rows4h = await klines(s.restBase, "symbol=BTCUSDT&interval=4h&limit=2");
    const forming = ohlcv(rows4h[1]!);
    const closedPart = m1.filter((c) => c.t >= iso("2025-06-02T08:00:00Z") && c.t < iso("2025-06-02T10:07:00Z"));
    const want = agg([...closedPart, revealed]);
    expect(forming.t).toBe(iso("2025-06-02T08:00:00Z"));
    expect({ ...forming, v: 0 }).toEqual({ ...want, t: forming.t, v: 0 });
    expect(forming.v).toBeCloseTo(want.v, 6);

    for (const interval of ["1m", "5m", "15m", "30m", "1h", "4h", "1d"]) {
      const rows = await klines(s.restBase, `symbol=BTCUSDT&interval=${interval}&limit=1000`);
      expect(rows.length).toBeGreaterThan(0);
      expect(Math.max(...rows.map((r) => r[0]))).toBeLessThanOrEqual(T);
    }
    const future = await klines(s.restBase, `symbol=BTCUSDT&interval=1m&startTime=${T + 60_000}`);
    expect(future).toEqual([]);
  });

  it("after advance(n) the last closed minute is the exact shipped candle and the new minute has only just opened", async () => {
    const s = sim.createSession({ start: "2025-06-02T10:00:00Z", symbols: ["BTCUSDT"] });
    await s.advance(3);
    const rows = await klines(s.restBase, "symbol=BTCUSDT&interval=1m&limit=2");
    const shipped = loadCandleRange("BTCUSDT", "1m", iso("2025-06-02T10:02:00Z"), iso("2025-06-02T10:04:00Z"));
    expect(ohlcv(rows[0]!)).toEqual(shipped[0]);
    expect(ohlcv(rows[1]!)).toEqual({ t: shipped[1]!.t, o: shipped[1]!.o, h: shipped[1]!.o, l: shipped[1]!.o, c: shipped[1]!.o, v: 0 });
  });
});

describe("klines parameters", () => {
  let base: string;
  beforeAll(() => {
    base = sim.createSession({ start: "2025-06-05T12:00:00Z", symbols: ["BTCUSDT", "ETHUSDT"] }).restBase;
  });

  it("returns the latest `limit` rows when neither startTime nor endTime is sent (default 500, max 1000)", async () => {
    const def = await klines(base, "symbol=ETHUSDT&interval=1m");
    expect(def.length).toBe(500);
    expect(def[499]![0]).toBe(iso("2025-06-05T12:00:00Z"));
    const big = await klines(base, "symbol=ETHUSDT&interval=1m&limit=5000");
    expect(big.length).toBe(1000);
  });

  it("goes forward from startTime, backward from endTime, and respects both bounds", async () => {
    const from = iso("2025-06-01T00:00:00Z");
    const fwd = await klines(base, `symbol=BTCUSDT&interval=1h&startTime=${from}&limit=3`);
    expect(fwd.map((r) => r[0])).toEqual([from, from + 3_600_000, from + 7_200_000]);
    const bwd = await klines(base, `symbol=BTCUSDT&interval=1h&endTime=${from}&limit=2`);
    expect(bwd.map((r) => r[0])).toEqual([from - 3_600_000, from]);
    const both = await klines(base, `symbol=BTCUSDT&interval=1d&startTime=${iso("2025-05-01T00:00:00Z")}&endTime=${iso("2025-05-03T00:00:00Z")}`);
    expect(both.length).toBe(3);
    const r = await getJson(`${base}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${from}&endTime=${from - 1}`);
    expect(r.body).toEqual({ code: -1023, msg: "Start time is greater than end time." });
  });

  it("aggregates shipped 15m data for 1h/30m before the 1m window and has no 5m rows there", async () => {
    const hourStart = iso("2025-05-20T12:00:00Z");
    const [h] = await klines(base, `symbol=BTCUSDT&interval=1h&startTime=${hourStart}&limit=1`);
    const q = loadCandleRange("BTCUSDT", "15m", hourStart, hourStart + 3_600_000);
    expect(ohlcv(h!)).toEqual({ ...agg(q), v: ohlcv(h!).v });
    expect(ohlcv(h!).v).toBeCloseTo(agg(q).v, 8);
    const five = await klines(base, `symbol=BTCUSDT&interval=5m&startTime=${hourStart}&limit=1`);
    expect(five[0]![0]).toBe(iso("2025-06-01T00:00:00Z"));
  });
});
