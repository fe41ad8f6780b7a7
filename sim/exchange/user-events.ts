import type { ExecType } from "./account";
import { dec } from "./intervals";
import { isWorking, type Order, type Trade } from "./orders";

/**
 * Binance `executionReport` for one order event. On CANCELED, `c` is the cancel request's client id and `C` the
 * canceled order's (as Binance does); `t` is -1 and `n`/`N` are "0"/null unless the event is a TRADE. `W`
 * (working time) appears only once the order works on the book.
 */
export function executionReport(o: Order, x: ExecType, T: number, executionId: number, trade?: Trade, cancelClientId?: string): Record<string, unknown> {
  const canceled = x === "CANCELED";
  return {
    e: "executionReport",
    E: T,
    s: o.symbol,
    c: canceled ? (cancelClientId ?? o.clientOrderId) : o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: dec(o.origQty),
    p: dec(o.price),
    P: dec(o.stopPrice),
    F: dec(0),
    g: -1,
    C: canceled ? o.clientOrderId : "",
    x,
    X: o.status,
    r: "NONE",
    i: o.orderId,
    l: dec(trade?.qty ?? 0),
    z: dec(o.executedQty),
    L: dec(trade?.price ?? 0),
    n: trade ? dec(trade.commission) : "0",
    N: trade ? trade.commissionAsset : null,
    T,
    t: trade ? trade.tradeId : -1,
    I: executionId,
    w: isWorking(o),
    m: trade ? trade.isMaker : false,
    M: false,
    O: o.time,
    Z: dec(o.cummulativeQuoteQty),
    Y: dec(trade?.quoteQty ?? 0),
    Q: dec(o.origQuoteOrderQty),
    ...(o.workingTime >= 0 && { W: o.workingTime }),
    V: "NONE",
  };
}

/** Binance `outboundAccountPosition`: the current free/locked of the assets an event changed. */
export function accountPosition(T: number, balances: { asset: string; free: number; locked: number }[]): Record<string, unknown> {
  return { e: "outboundAccountPosition", E: T, u: T, B: balances.map((b) => ({ a: b.asset, f: dec(b.free), l: dec(b.locked) })) };
}

export function listenKeyExpired(E: number, listenKey: string): Record<string, unknown> {
  return { e: "listenKeyExpired", E, listenKey };
}
