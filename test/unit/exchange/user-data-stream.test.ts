import { describe, expect, it } from "vitest";
import { brokerRestBase, wsApiUrl } from "../../../src/adapters/exchange/ws-api-url";
import { hmacSha256Hex } from "../../../src/adapters/hash";
import { orderReportOf, parseUserStreamFrame, signaturePayload, subscribeRequest, ExecutionReportSchema } from "../../../src/adapters/exchange/user-data-stream";
import { applyBrokerReport, markSent } from "../../../src/lib/execution/exchange-orders";
import { newPosition } from "../../../src/lib/execution/position";
import { executionReport } from "../../../sim/exchange/user-events";
import { verifyParamsSignature } from "../../../sim/exchange/signing";
import type { Order, Trade } from "../../../sim/exchange/orders";

const T0 = Date.UTC(2026, 2, 26, 10);

/** An executionReport as Binance documents it (user-data-stream.md), with overrides. */
function report(o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    e: "executionReport",
    E: T0 + 5,
    s: "BTCUSDT",
    c: "p1-e",
    S: "BUY",
    o: "MARKET",
    f: "GTC",
    q: "0.01000000",
    p: "0.00000000",
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: "",
    x: "TRADE",
    X: "PARTIALLY_FILLED",
    r: "NONE",
    i: 42,
    l: "0.00400000",
    z: "0.00400000",
    L: "100000.00000000",
    n: "0.00000400",
    N: "BTC",
    T: T0 + 4,
    t: 7,
    I: 3,
    w: false,
    m: false,
    M: true,
    O: T0,
    Z: "400.00000000",
    Y: "400.00000000",
    Q: "0.00000000",
    V: "NONE",
    ...o,
  };
}
const frame = (event: unknown, subscriptionId = 0) => JSON.stringify({ subscriptionId, event });

describe("the WebSocket API URL of a venue", () => {
  it("is Binance's official endpoint for its REST hosts, the same host with ws and /ws-api/v3 for anything else", () => {
    expect(wsApiUrl("https://api.binance.com")).toBe("wss://ws-api.binance.com:443/ws-api/v3");
    expect(wsApiUrl("https://api3.binance.com/")).toBe("wss://ws-api.binance.com:443/ws-api/v3");
    expect(wsApiUrl("https://testnet.binance.vision")).toBe("wss://ws-api.testnet.binance.vision/ws-api/v3");
    expect(wsApiUrl("http://127.0.0.1:9100/s/s3-ab12cd")).toBe("ws://127.0.0.1:9100/s/s3-ab12cd/ws-api/v3");
    expect(wsApiUrl("http://127.0.0.1:9100/")).toBe("ws://127.0.0.1:9100/ws-api/v3");
    expect(wsApiUrl("https://sim.example:8443/s/x")).toBe("wss://sim.example:8443/s/x/ws-api/v3");
    expect(() => wsApiUrl("ftp://x")).toThrow(/not a REST base/);
  });

  it("follows the broker's venue: live and testnet hosts, or the simulator base BROKER_REST_URL names", () => {
    const keys = { BINANCE_API_KEY: "k", BINANCE_API_SECRET: "s" };
    expect(brokerRestBase({ ...keys, EXECUTION_MODE: "live", LIVE_TRADING: "true" }, "http://m")).toBe("https://api.binance.com");
    expect(brokerRestBase({ ...keys, EXECUTION_MODE: "testnet" }, "http://m")).toBe("https://testnet.binance.vision");
    expect(brokerRestBase({ ...keys, EXECUTION_MODE: "testnet", BROKER_REST_URL: "exchange" }, "http://127.0.0.1:1/s/a")).toBe("http://127.0.0.1:1/s/a");
    expect(brokerRestBase({ ...keys, EXECUTION_MODE: "testnet", BROKER_REST_URL: "http://other:2" }, "http://m")).toBe("http://other:2");
  });
});

describe("the signed subscription", () => {
  it("signs like Binance's documented HMAC example (params sorted by name, hex HMAC-SHA256)", async () => {
    const params = {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.01000000",
      price: "52000.00",
      recvWindow: 100,
      timestamp: 1645423376532,
      apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
    };
    const payload = signaturePayload(params);
    expect(payload).toBe(
      "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT",
    );
    expect(await hmacSha256Hex("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", payload)).toBe("aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
  });

  it("is a userDataStream.subscribe.signature request the simulator verifies, and not with another secret", async () => {
    const req = JSON.parse(await subscribeRequest({ id: "sub-1", apiKey: "sim-key", secret: "sim-secret", timestamp: T0, recvWindow: 5000 }));
    expect(req).toMatchObject({ id: "sub-1", method: "userDataStream.subscribe.signature", params: { apiKey: "sim-key", timestamp: T0, recvWindow: 5000 } });
    expect(Object.keys(req.params).sort()).toEqual(["apiKey", "recvWindow", "signature", "timestamp"]);
    expect(() => verifyParamsSignature(req.params, "sim-secret")).not.toThrow();
    expect(() => verifyParamsSignature(req.params, "other-secret")).toThrow(/Signature/);
  });
});

describe("executionReport at the exchange boundary", () => {
  it("turns a TRADE into the order's status and cumulative quantity with its one trade", () => {
    const er = ExecutionReportSchema.parse(report());
    expect(orderReportOf(er)).toEqual({
      clientOrderId: "p1-e",
      symbol: "BTCUSDT",
      report: {
        kind: "order",
        order: { exchangeOrderId: "42", status: "PARTIALLY_FILLED", executedQty: 0.004, fills: [{ tradeId: "7", price: 100_000, qty: 0.004, fee: 0.000004, feeAsset: "BTC", at: T0 + 4 }], at: T0 + 5 },
      },
    });
  });

  it("names the canceled order by C (c is the cancel request's id), and carries no trade when not a TRADE", () => {
    const r = orderReportOf(
      ExecutionReportSchema.parse(report({ x: "CANCELED", X: "CANCELED", c: "cancel-9", C: "p1-s1", t: -1, l: "0.00000000", L: "0.00000000", n: "0", N: null, z: "0.00000000" })),
    );
    expect(r.clientOrderId).toBe("p1-s1");
    expect(r.report).toMatchObject({ kind: "order", order: { status: "CANCELED", fills: [], executedQty: 0 } });
    expect(orderReportOf(ExecutionReportSchema.parse(report({ x: "NEW", X: "NEW", t: -1 }))).report).toMatchObject({ order: { status: "NEW", fills: [] } });
    expect(orderReportOf(ExecutionReportSchema.parse(report({ x: "EXPIRED", X: "EXPIRED_IN_MATCH", t: -1 }))).report).toMatchObject({ order: { status: "EXPIRED" } });
    expect(orderReportOf(ExecutionReportSchema.parse(report({ x: "NEW", X: "PENDING_CANCEL", t: -1 }))).report).toMatchObject({ order: { status: "NEW" } });
  });

  it("refuses NaN, negative, empty or absurd decimals, unknown statuses and missing fields", () => {
    for (const bad of [{ l: "NaN" }, { z: "-0.1" }, { L: "" }, { n: "1e200" }, { X: "DONE" }, { i: -1 }, { c: 7 }]) {
      expect(ExecutionReportSchema.safeParse(report(bad)).success, JSON.stringify(bad)).toBe(false);
    }
    const { z: _z, ...noZ } = report();
    expect(ExecutionReportSchema.safeParse(noZ).success).toBe(false);
  });

  it("reads the simulator's own executionReport events", () => {
    const order = {
      symbol: "BTCUSDT",
      orderId: 5,
      clientOrderId: "p2-s1",
      side: "SELL",
      type: "STOP_LOSS_LIMIT",
      timeInForce: "GTC",
      price: 85_000,
      stopPrice: 85_500,
      origQty: 0.01,
      origQuoteOrderQty: 0,
      executedQty: 0.01,
      cummulativeQuoteQty: 855,
      status: "FILLED",
      time: T0,
      updateTime: T0 + 60_000,
      workingTime: T0 + 60_000,
    } as unknown as Order;
    const trade = {
      symbol: "BTCUSDT",
      orderId: 5,
      tradeId: 11,
      price: 85_500,
      qty: 0.01,
      quoteQty: 855,
      commission: 0.855,
      commissionAsset: "USDT",
      time: T0 + 60_000,
      isBuyer: false,
      isMaker: false,
    } as Trade;
    const parsed = parseUserStreamFrame(frame(executionReport(order, "TRADE", T0 + 60_000, 9, trade)));
    expect(parsed).toMatchObject({
      kind: "execution",
      subscriptionId: 0,
      report: { clientOrderId: "p2-s1", report: { order: { status: "FILLED", executedQty: 0.01, fills: [{ tradeId: "11", price: 85_500, fee: 0.855, feeAsset: "USDT" }] } } },
    });
  });
});

describe("WebSocket API frames", () => {
  it("tells answers, order events, other events and unreadable frames apart", () => {
    expect(parseUserStreamFrame(JSON.stringify({ id: "sub-1", status: 200, result: { subscriptionId: 3 } }))).toEqual({
      kind: "response",
      id: "sub-1",
      status: 200,
      result: { subscriptionId: 3 },
      error: null,
    });
    expect(parseUserStreamFrame(JSON.stringify({ id: "sub-2", status: 400, error: { code: -1022, msg: "Signature for this request is not valid." } }))).toMatchObject({
      kind: "response",
      status: 400,
      error: { code: -1022 },
    });
    expect(parseUserStreamFrame(frame({ e: "outboundAccountPosition", E: T0, u: T0, B: [] }, 2))).toEqual({ kind: "event", subscriptionId: 2, type: "outboundAccountPosition" });
    expect(parseUserStreamFrame(JSON.stringify({ event: { e: "serverShutdown", E: T0 } }))).toEqual({ kind: "event", subscriptionId: null, type: "serverShutdown" });
    expect(parseUserStreamFrame("{nope").kind).toBe("invalid");
    expect(parseUserStreamFrame(frame(report({ l: "NaN" })))).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/executionReport l/) });
    expect(parseUserStreamFrame(JSON.stringify([1, 2])).kind).toBe("invalid");
    expect(parseUserStreamFrame(" ".repeat(70_000)).kind).toBe("invalid");
  });
});

describe("stream reports merged into an order", () => {
  const assets = { base: "BTC", quote: "USDT" };
  const cfg = { notFoundGraceMs: 15_000, dustNotional: 5 };
  const entry = () => markSent(newPosition({ id: "p1", portfolio: "x", symbol: "BTC/USDT", decisionId: "d1", agent: "t", reason: "r", notional: 1_000 }, T0), "p1-e", T0);
  const apply = (p: ReturnType<typeof entry>, o: Record<string, unknown>) => {
    const r = orderReportOf(ExecutionReportSchema.parse(report(o)));
    return applyBrokerReport(p, r.clientOrderId, r.report, T0 + 10, assets, cfg);
  };

  it("fills an order from one trade per event, final once the trades cover z, and a repeated event changes nothing", () => {
    let p = apply(entry(), {});
    expect(p.orders[0]).toMatchObject({ status: "partially_filled", filledQty: 0.004 });
    const second = { t: 8, l: "0.00600000", L: "101000.00000000", n: "0.00000600", z: "0.01000000", X: "FILLED" };
    p = apply(p, second);
    expect(p.status).toBe("open");
    expect(p.qty).toBeCloseTo(0.01 - 0.00001, 12);
    expect(p.entryPrice).toBeCloseTo((0.004 * 100_000 + 0.006 * 101_000) / 0.01, 6);
    expect(apply(p, second)).toBe(p);
    expect(apply(p, {})).toBe(p);
  });

  it("does not end the order on a FILLED event whose earlier trade it has not seen", () => {
    const p = apply(entry(), { t: 8, l: "0.00600000", z: "0.01000000", X: "FILLED" });
    expect(p.status).toBe("pending_entry");
    expect(p.orders[0]!.status).toBe("partially_filled");
  });
});
