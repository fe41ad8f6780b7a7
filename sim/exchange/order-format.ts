import { dec } from "./intervals";
import { isStop, isWorking, type Order, type Trade } from "./orders";

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

/** `stopPrice` is a conditional field of order responses: present for stop orders only. */
function stopField(o: Order) {
  return isStop(o) ? { stopPrice: dec(o.stopPrice) } : {};
}

/** Binance's default `newOrderRespType`: FULL for MARKET and LIMIT, ACK for every other type. */
export function defaultRespType(type: string): RespType {
  return type === "MARKET" || type === "LIMIT" ? "FULL" : "ACK";
}

/** `POST /api/v3/order` response in the requested shape. */
export function newOrderResponse(o: Order, resp: RespType): unknown {
  const ack = { ...core(o), transactTime: o.time };
  if (resp === "ACK") return ack;
  const result = { ...ack, ...amounts(o), ...stopField(o), workingTime: o.workingTime, selfTradePreventionMode: "NONE" };
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
    stopPrice: dec(o.stopPrice),
    icebergQty: dec(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: isWorking(o),
    workingTime: o.workingTime,
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
    ...stopField(o),
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
