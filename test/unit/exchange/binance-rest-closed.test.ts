import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BinanceRest } from "../../../src/adapters/exchange/binance-rest";

let server: Server | null = null;
const urls: string[] = [];

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server!.close(() => r()));
  server = null;
});

const H = 3_600_000;
const row = (t: number) => [t, "1", "2", "0.5", "1.5", "10", t + H - 1];

describe("BinanceRest.closedCandles", () => {
  it("answers the newest candles of a timeframe closed before the exchange's present, oldest first, through a base given with a trailing slash", async () => {
    const now = 10 * H + 5 * 60_000;
    server = createServer((req, res) => {
      urls.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" });
      // The last row is the hour in progress: it closes after `now`.
      res.end(JSON.stringify([row(8 * H), row(9 * H), row(10 * H)]));
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const candles = await BinanceRest.at(base, 2_000).closedCandles("BTCUSDT", "1h", 3, now);
    expect(candles.map((c) => c.t)).toEqual([8 * H, 9 * H]);
    expect(candles[0]).toEqual({ t: 8 * H, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 });
    expect(urls).toEqual(["/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=3"]);
  });
});
