import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BinanceRest } from "../../../src/adapters/exchange/binance-rest";

let server: Server | null = null;

/** A local HTTP server answering with `handler`; counts the requests it got. */
async function serve(handler: (n: number, res: import("node:http").ServerResponse) => void): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  server = createServer((_req, res) => handler(++n, res));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
}

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server!.close(() => r()));
  server = null;
});

describe("BinanceRest at the exchange boundary", () => {
  it("abandons a call the exchange never answers after its timeout", async () => {
    const { url } = await serve(() => {
      /* never answers */
    });
    const t0 = Date.now();
    await expect(new BinanceRest(url, undefined, 300).price("BTCUSDT")).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("a 429 pauses every client of that exchange, including one made anew, until Retry-After passes", async () => {
    const { url, requests } = await serve((_n, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "30" });
      res.end(JSON.stringify({ code: -1003, msg: "Too many requests" }));
    });
    await expect(new BinanceRest(url).price("BTCUSDT")).rejects.toThrow(/HTTP 429/);
    await expect(new BinanceRest(url).price("BTCUSDT")).rejects.toThrow(/paused by rate limit/);
    await expect(new BinanceRest(url).klines("BTCUSDT", "1m", { limit: 5 })).rejects.toThrow(/paused by rate limit/);
    expect(requests()).toBe(1);
  });

  it("refuses prices and klines outside the bounds", async () => {
    const { url } = await serve((n, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (n === 1) res.end(JSON.stringify({ symbol: "BTCUSDT", price: "1e200" }));
      else res.end(JSON.stringify([[0, "1", "1", "1", "1", "1e200", 59_999]]));
    });
    await expect(new BinanceRest(url).price("BTCUSDT")).rejects.toThrow(/out of bounds/);
    await expect(new BinanceRest(url).klines("BTCUSDT", "1m", { limit: 1 })).rejects.toThrow(/out of bounds/);
  });
});
