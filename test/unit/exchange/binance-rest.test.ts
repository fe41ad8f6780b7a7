import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BinanceRest, ExchangeRestError } from "../../../src/adapters/exchange/binance-rest";

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
  it("takes funding settlements sorted and once each, and refuses another symbol's or a rate past any venue's cap", async () => {
    const answers: unknown[] = [
      [
        { symbol: "BTCUSDT", fundingTime: 2_000, fundingRate: "0.0002", markPrice: "" },
        { symbol: "BTCUSDT", fundingTime: 1_000, fundingRate: "0.0001", markPrice: "" },
        { symbol: "BTCUSDT", fundingTime: 2_000, fundingRate: "0.0002", markPrice: "" },
      ],
      [{ symbol: "ETHUSDT", fundingTime: 1_000, fundingRate: "0.0001", markPrice: "" }],
      [{ symbol: "BTCUSDT", fundingTime: 1_000, fundingRate: "5", markPrice: "" }],
    ];
    const { url } = await serve((n, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answers[n - 1]));
    });
    const rest = new BinanceRest(url);
    expect(await rest.fundingRates("BTCUSDT", 10)).toEqual([
      { at: 1_000, value: 0.0001 },
      { at: 2_000, value: 0.0002 },
    ]);
    await expect(rest.fundingRates("BTCUSDT", 10)).rejects.toThrow(/fundingRate answered ETHUSDT for BTCUSDT/);
    await expect(rest.fundingRates("BTCUSDT", 10)).rejects.toThrow(/funding rate of BTCUSDT at 1000 is out of bounds: 5/);
  });

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

  it("names why an answer was refused: a 418 ban and a 451 stop call for an operator, a 5xx does not", async () => {
    const { url } = await serve((n, res) => {
      const status = n === 1 ? 503 : n === 2 ? 418 : 451;
      res.writeHead(status, { "content-type": "application/json", ...(status === 418 ? { "retry-after": "0" } : {}) });
      res.end(JSON.stringify({ code: status === 503 ? -1008 : -1003, msg: "no" }));
    });
    const reasonOf = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: ExchangeRestError) => ({ reason: e.reason, alert: e.alert }),
      );
    expect(await reasonOf(new BinanceRest(url).price("BTCUSDT"))).toEqual({ reason: "http_error", alert: false });
    expect(await reasonOf(new BinanceRest(url).price("BTCUSDT"))).toEqual({ reason: "banned", alert: true });
    expect(await reasonOf(new BinanceRest(url).price("BTCUSDT"))).toEqual({ reason: "stopped", alert: true });
    // Stopped: the next call never leaves, and is refused for the same reason.
    expect(await reasonOf(new BinanceRest(url).price("BTCUSDT"))).toEqual({ reason: "stopped", alert: true });
  });

  it("names unreadable and out-of-bounds answers", async () => {
    const { url } = await serve((n, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(n === 1 ? "not json" : n === 2 ? JSON.stringify({ price: 3 }) : JSON.stringify({ symbol: "BTCUSDT", price: "-1" }));
    });
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) await new BinanceRest(url).price("BTCUSDT").catch((e: ExchangeRestError) => reasons.push(e.reason));
    expect(reasons).toEqual(["invalid_json", "bad_shape", "out_of_bounds"]);
  });
});
