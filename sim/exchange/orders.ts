import { round8 } from "./intervals";

export type Side = "BUY" | "SELL";
export type OrderType = "MARKET" | "LIMIT" | "STOP_LOSS" | "STOP_LOSS_LIMIT";
export type OrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED";
export type TimeInForce = "GTC" | "IOC" | "FOK";

/** One execution of an order: the FULL-response fill plus what myTrades reports. */
export interface Trade {
  symbol: string;
  orderId: number;
  tradeId: number;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface Order {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price; 0 for MARKET and STOP_LOSS. */
  price: number;
  /** Trigger price of STOP_LOSS / STOP_LOSS_LIMIT; 0 otherwise. */
  stopPrice: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: OrderStatus;
  time: number;
  updateTime: number;
  /** When the order started working on the book: -1 while a stop order waits for its trigger. */
  workingTime: number;
  fills: Trade[];
  /** Funds still locked for this order (quote for a BUY, base for a SELL), released on cancel. */
  locked: number;
  /** Price the locked quote of a BUY was computed at (its limit, stop or the price at acceptance). */
  lockPrice: number;
  /** Remaining fill plan of a market execution spread over replay ticks (`delayed_fill` fault). */
  delayed?: { parts: number[]; ticksPerPart: number; ticksLeft: number };
}

export interface NewOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  quantity?: number;
  quoteOrderQty?: number;
  price?: number;
  stopPrice?: number;
  clientOrderId?: string;
}

export const isStop = (o: { type: OrderType }): boolean => o.type === "STOP_LOSS" || o.type === "STOP_LOSS_LIMIT";

/** NEW or PARTIALLY_FILLED: listed by openOrders, cancelable, and its client id is taken. */
export const isOpen = (o: Order): boolean => o.status === "NEW" || o.status === "PARTIALLY_FILLED";

/** Open and working: an untriggered stop order is open but not working. */
export const isWorking = (o: Order): boolean => isOpen(o) && o.workingTime >= 0;

/**
 * Splits `qty` into at most `parts` fills, each a multiple of `step`: equal parts rounded down to the step and
 * the remainder in the last one. Fewer parts when `qty` has fewer than `parts` steps.
 */
export function splitQty(qty: number, parts: number, step: number): number[] {
  const steps = Math.round(qty / step);
  const n = Math.max(1, Math.min(parts, steps));
  const each = Math.floor(steps / n);
  const out: number[] = [];
  for (let i = 0; i < n - 1; i++) out.push(round8(each * step));
  out.push(round8(qty - (n - 1) * each * step));
  return out;
}
