import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { shippedFunding } from "./shipped-candles";
import { advance, api, createSession, migrateD1, simState, startTicker, tickerStub, untilMinute, waitFor } from "./support";

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const put = (body: unknown, token?: string | null) => api("/api/funding", { method: "PUT", body: JSON.stringify(body), token });

async function d1Funding(symbol: string): Promise<[number, number][]> {
  return env.DB.prepare("SELECT t, rate FROM funding_rates WHERE symbol = ? ORDER BY t").bind(symbol).raw<[number, number]>();
}

beforeAll(async () => {
  await migrateD1();
});

describe("PUT and GET /api/funding", () => {
  it("upserts checked settlements and reads them back oldest first", async () => {
    const rows: [number, number][] = [
      [Date.UTC(2024, 0, 1, 0), 0.0001],
      [Date.UTC(2024, 0, 1, 8), -0.00025],
      [Date.UTC(2024, 0, 1, 16), 0.0003],
    ];
    const first = await put({ symbol: "ADA/USDT", rates: rows });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ symbol: "ADA/USDT", received: 3, inserted: 3, updated: 0, from: rows[0]![0], to: rows[2]![0] });

    // The same rows again, one of them revised: nothing new, the revision kept.
    const again = await put({ symbol: "ADA/USDT", rates: [rows[0], [rows[1]![0], -0.0002], rows[2]] });
    expect(await again.json()).toMatchObject({ inserted: 0, updated: 3 });
    expect(await d1Funding("ADA/USDT")).toEqual([rows[0], [rows[1]![0], -0.0002], rows[2]]);

    const all = await api("/api/funding?symbol=ADA/USDT");
    expect(await all.json()).toEqual({ symbol: "ADA/USDT", count: 3, rates: [rows[0], [rows[1]![0], -0.0002], rows[2]] });
    const from = (await (await api(`/api/funding?symbol=ADA/USDT&from=${rows[1]![0]}&limit=1`)).json()) as { rates: unknown[] };
    expect(from.rates).toEqual([[rows[1]![0], -0.0002]]);
    const newestBefore = (await (await api(`/api/funding?symbol=ADA/USDT&to=${rows[2]![0]}&limit=1`)).json()) as { rates: unknown[] };
    expect(newestBefore.rates).toEqual([[rows[1]![0], -0.0002]]);
  });

  it("refuses bad rows with 400 and a readable reason, and stores nothing of them", async () => {
    const t = Date.UTC(2024, 0, 1);
    const cases: [unknown, RegExp][] = [
      [
        {
          symbol: "XRP/USDT",
          rates: [
            [t, 0.0001],
            [t, 0.0002],
          ],
        },
        /rates\.1: t \d+ is not after the previous row's \d+: rows go in ascending t, each t once/,
      ],
      [{ symbol: "XRP/USDT", rates: [[t + 0.5, 0.0001]] }, /rates\.0\.0: t must be an integer \(epoch ms\)/],
      [{ symbol: "XRP/USDT", rates: [[t, 1.5]] }, /rates\.0\.1: rate is a fraction per funding interval \(0\.0001 = 0\.01 %\): \|rate\| must be below 1/],
      [{ symbol: "XRP/USDT", rates: [[t, "0.0001"]] }, /rates\.0\.1: Invalid input: expected number, received string/],
      [{ symbol: "XRP/USDT", rates: [] }, /rates: Too small/],
      [{ symbol: "xrpusdt", rates: [[t, 0.0001]] }, /symbol: symbol must look like BTC\/USDT/],
      [{ symbol: "XRP/USDT", rates: [[t, 0.0001]], venue: "binance" }, /Unrecognized key.*venue/],
      [{ symbol: "XRP/USDT", rates: Array.from({ length: 5001 }, (_, i) => [t + i * 28_800_000, 0.0001]) }, /rates: at most 5000 settlements per request; send more in several/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await errorOf(res)).message, JSON.stringify(body).slice(0, 80)).toMatch(message);
    }
    expect(await d1Funding("XRP/USDT")).toEqual([]);

    const badQuery = await api("/api/funding?symbol=XRP/USDT&from=10&to=5");
    expect(badQuery.status).toBe(400);
    expect((await errorOf(badQuery)).message).toBe("invalid query parameters: from must be before to");
    expect((await api("/api/funding?symbol=XRP/USDT&limit=0")).status).toBe(400);
    expect((await put({ symbol: "XRP/USDT", rates: [[t, 0.0001]] }, null)).status).toBe(401);
    expect((await api("/api/funding?symbol=XRP/USDT", { token: null })).status).toBe(401);
  });
});

describe("TickerActor → D1 funding rates", () => {
  it("the settlements a ticker polls reach D1, as the shipped history has them", { timeout: 60_000 }, async () => {
    const start = Date.UTC(2025, 5, 3, 7);
    const s = await createSession({ start: new Date(start).toISOString(), symbols: ["BTCUSDT"] });
    await startTicker(s, "BTC/USDT");
    await waitFor(async () => (await simState(s)).connections > 0, "socket connected");
    const shipped = shippedFunding("BTC/USDT").map((p): [number, number] => [p.at, p.value]);
    const seenAt = (t: number) => shipped.filter(([at]) => at <= t).slice(-10);

    // The start polls at once: the ten newest settlements at the replay time.
    const first = seenAt(start);
    expect(first).toHaveLength(10);
    await waitFor(async () => JSON.stringify(await d1Funding("BTC/USDT")) === JSON.stringify(first), "the first poll's settlements in D1", 20_000, 200);

    // Past the 08:00 settlement, the next poll adds it alone.
    await advance(s, 90);
    await untilMinute("BTC/USDT", start + 89 * 60_000);
    // The derivatives timer's work, run now (its handler polls, then schedules the next poll).
    await runInDurableObject(tickerStub("BTC/USDT"), (instance) => (instance as unknown as { timerHandlers: { derivatives(p: null): Promise<void> } }).timerHandlers.derivatives(null));
    const after = seenAt(start + 90 * 60_000);
    expect(after.at(-1)![0]).toBe(Date.UTC(2025, 5, 3, 8));
    const expected = shipped.filter(([at]) => at >= first[0]![0] && at <= after.at(-1)![0]);
    expect(expected).toHaveLength(11);
    await waitFor(async () => JSON.stringify(await d1Funding("BTC/USDT")) === JSON.stringify(expected), "the new settlement in D1", 20_000, 200);
  });
});
