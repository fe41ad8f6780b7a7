import type { Order, Trade } from "./account";
import { dec } from "./intervals";

export type RespType = "ACK" | "RESULT" | "FULL";

function core(o: Order) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
  };
}

function amounts(o: Order) {
  return {
    price: dec(o.price),
    origQty: dec(o.origQty),
    executedQty: dec(o.executedQty),
    origQuoteOrderQty: dec(o.origQuoteOrderQty),
    cummulativeQuoteQty: dec(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

/** `POST /api/v3/order` response in the requested shape (Binance defaults MARKET/LIMIT to FULL). */
export function newOrderResponse(o: Order, resp: RespType): unknown {
  const ack = { ...core(o), transactTime: o.time };
  if (resp === "ACK") return ack;
  const result = { ...ack, ...amounts(o), workingTime: o.time, selfTradePreventionMode: "NONE" };
  if (resp === "RESULT") return result;
  return {
    ...result,
    fills: o.fills.map((f) => ({
      price: dec(f.price),
      qty: dec(f.qty),
      commission: dec(f.commission),
      commissionAsset: f.commissionAsset,
      tradeId: f.tradeId,
    })),
  };
}

/** `GET /api/v3/order`, `openOrders` and `allOrders` entry. */
export function queryOrder(o: Order): unknown {
  return {
    ...core(o),
    ...amounts(o),
    stopPrice: dec(0),
    icebergQty: dec(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.status === "NEW",
    workingTime: o.time,
    selfTradePreventionMode: "NONE",
  };
}

/** `DELETE /api/v3/order` response. */
export function cancelResponse(o: Order, cancelClientId: string): unknown {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime: o.updateTime,
    ...amounts(o),
    selfTradePreventionMode: "NONE",
  };
}

/** `GET /api/v3/myTrades` entry. */
export function tradeJson(t: Trade): unknown {
  return {
    symbol: t.symbol,
    id: t.tradeId,
    orderId: t.orderId,
    orderListId: -1,
    price: dec(t.price),
    qty: dec(t.qty),
    quoteQty: dec(t.quoteQty),
    commission: dec(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}
