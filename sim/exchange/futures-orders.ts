import type { FuturesAccount } from "./futures-account";
import { dec } from "./intervals";
import type { Side } from "./orders";

export type FuturesOrderType = "MARKET" | "STOP_MARKET";
export type FuturesOrderStatus = "NEW" | "FILLED" | "CANCELED" | "EXPIRED";
export type AlgoStatus = "NEW" | "CANCELED" | "FINISHED" | "EXPIRED";

export interface FuturesOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: FuturesOrderType;
  /** Quantity asked for (0 for a closePosition stop: the position's size when it triggers). */
  origQty: number;
  executedQty: number;
  cumQuote: number;
  stopPrice: number;
  reduceOnly: boolean;
  closePosition: boolean;
  status: FuturesOrderStatus;
  time: number;
  updateTime: number;
}

/** A conditional order of Binance's Algo Order API (`/fapi/v1/algoOrder`), which places a MARKET order when triggered. */
export interface AlgoOrder {
  symbol: string;
  algoId: number;
  clientAlgoId: string;
  side: Side;
  orderType: "STOP_MARKET";
  quantity: number;
  triggerPrice: number;
  reduceOnly: boolean;
  closePosition: boolean;
  algoStatus: AlgoStatus;
  createTime: number;
  updateTime: number;
  triggerTime: number;
  actualOrderId: number | undefined;
  actualPrice: number;
}

export interface FuturesTrade {
  symbol: string;
  id: number;
  orderId: number;
  side: Side;
  price: number;
  qty: number;
  quoteQty: number;
  realizedPnl: number;
  commission: number;
  time: number;
}

export type IncomeType = "REALIZED_PNL" | "COMMISSION" | "FUNDING_FEE";

export interface Income {
  symbol: string;
  incomeType: IncomeType;
  income: number;
  info: string;
  time: number;
  tranId: number;
  tradeId: string;
}

export const isOpenOrder = (o: FuturesOrder): boolean => o.status === "NEW";

/** `POST|GET|DELETE /fapi/v1/order` and `openOrders` entry. */
export function futuresOrderJson(o: FuturesOrder): Record<string, unknown> {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: "0",
    avgPrice: o.executedQty > 0 ? dec(o.cumQuote / o.executedQty) : "0",
    origQty: dec(o.origQty),
    executedQty: dec(o.executedQty),
    cumQty: dec(o.executedQty),
    cumQuote: dec(o.cumQuote),
    timeInForce: "GTC",
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    side: o.side,
    positionSide: "BOTH",
    stopPrice: dec(o.stopPrice),
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: o.type,
    priceMatch: "NONE",
    selfTradePreventionMode: "EXPIRE_MAKER",
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

/** The order as accepted (`newOrderRespType=ACK`, Binance futures' default): NEW, nothing executed yet. */
export function futuresAckJson(o: FuturesOrder): Record<string, unknown> {
  return { ...futuresOrderJson(o), status: "NEW", avgPrice: "0", executedQty: dec(0), cumQty: dec(0), cumQuote: dec(0), updateTime: o.time };
}

export function algoOrderJson(a: AlgoOrder): Record<string, unknown> {
  return {
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: "CONDITIONAL",
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: "BOTH",
    timeInForce: "GTC",
    quantity: dec(a.quantity),
    algoStatus: a.algoStatus,
    actualOrderId: a.actualOrderId === undefined ? "" : String(a.actualOrderId),
    actualPrice: dec(a.actualPrice),
    triggerPrice: dec(a.triggerPrice),
    price: "0",
    icebergQuantity: null,
    selfTradePreventionMode: "EXPIRE_MAKER",
    workingType: "CONTRACT_PRICE",
    priceMatch: "NONE",
    closePosition: a.closePosition,
    priceProtect: false,
    reduceOnly: a.reduceOnly,
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    goodTillDate: 0,
  };
}

/** `GET /fapi/v1/userTrades` entry. */
export function futuresTradeJson(t: FuturesTrade): Record<string, unknown> {
  return {
    buyer: t.side === "BUY",
    commission: dec(t.commission),
    commissionAsset: "USDT",
    id: t.id,
    maker: false,
    orderId: t.orderId,
    price: dec(t.price),
    qty: dec(t.qty),
    quoteQty: dec(t.quoteQty),
    realizedPnl: dec(t.realizedPnl),
    side: t.side,
    positionSide: "BOTH",
    symbol: t.symbol,
    time: t.time,
  };
}

/** `GET /fapi/v1/income` entry. */
export function incomeJson(i: Income): Record<string, unknown> {
  return { symbol: i.symbol, incomeType: i.incomeType, income: dec(i.income), asset: "USDT", info: i.info, time: i.time, tranId: i.tranId, tradeId: i.tradeId };
}

/** The `futures` section of `GET /sim/state`. */
export function futuresState(f: FuturesAccount): unknown {
  return {
    wallet: f.wallet,
    positions: [...f.positions.values()]
      .filter((p) => p.amt !== 0)
      .map((p) => ({ ...p, leverage: f.setting(p.symbol).leverage, isolated: f.setting(p.symbol).isolated, liquidationPrice: f.liquidationPrice(p) })),
    orders: f.orders.map(futuresOrderJson),
    algoOrders: f.algoOrders.map(algoOrderJson),
    trades: f.trades.map(futuresTradeJson),
    income: f.income.map(incomeJson),
  };
}
