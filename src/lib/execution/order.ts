export type OrderSide = "buy" | "sell";
/**
 * intent (stored, not sent) → sent (request on its way) → submitted (acknowledged, working) →
 * partially_filled → filled | cancelled | rejected; unknown when a request's outcome was lost
 * (timeout, 5xx, dropped answer): resolved by querying the client order id, never by sending again.
 */
export type OrderStatus = "intent" | "sent" | "submitted" | "partially_filled" | "unknown" | "filled" | "cancelled" | "rejected";
export type OrderPurpose = "entry" | "exit" | "stop";

/** One execution of an order on the exchange (or the paper broker's one fill), keyed by its trade id. */
export interface OrderFill {
  tradeId: string;
  price: number;
  qty: number;
  /** The commission, in `feeAsset` (Binance charges a buy's in the base asset it buys). */
  fee: number;
  feeAsset: string;
  at: number;
}

/** One order of a position, stored before it leaves; the client order id makes resubmission idempotent. */
export interface OrderRecord {
  clientOrderId: string;
  positionId: string;
  symbol: string;
  side: OrderSide;
  purpose: OrderPurpose;
  status: OrderStatus;
  /** Absent on orders stored before stops existed: market. A spot stop is a stop-loss-limit; a futures stop a reduce-only stop-market. */
  type?: "market" | "stop_loss_limit" | "stop_market";
  /** Stop orders: the trigger and the limit price. */
  stopPrice?: number | null;
  limitPrice?: number | null;
  /** Executions so far, de-duplicated by trade id (exchange broker). */
  fills?: OrderFill[];
  exchangeOrderId?: string | null;
  /**
   * Wall time by which the placement request was signed at the latest: when it was sent, moved on to when its
   * answer came back (or to when the actor restarted with the answer missing). "Not found" ends the order only
   * `notFoundGraceMs` after it, as a request signed then can reach the venue until its recvWindow runs out.
   */
  sentAt?: number | null;
  /** Wall time of the last query of a working order. */
  checkedAt?: number | null;
  /** An operator, an exit or a moved trail asked the exchange to cancel it. */
  cancelRequested?: boolean;
  lastError?: string | null;
  /** Futures exits: the order may only reduce the position (never open the other side). */
  reduceOnly?: boolean;
  /** A futures entry: the leverage the venue is set to for the symbol (isolated margin) before the order is placed. */
  leverage?: number;
  /** Entry orders are sized in quote (spend this much); exits trade a base quantity. */
  quoteQty: number | null;
  qty: number | null;
  reason: string;
  createdAt: number;
  submittedAt: number | null;
  filledAt: number | null;
  fillPrice: number | null;
  filledQty: number | null;
  fee: number | null;
  rejectReason: string | null;
}

export interface Fill {
  price: number;
  qty: number;
  fee: number;
  at: number;
}

/**
 * A protective stop written as intent: tag `s<n>` for the n-th stop of the position. With a limit price, a spot
 * stop-loss-limit sell; without one, a futures stop-market on `side` (a short's stop buys), reduce-only.
 */
export function stopIntent(
  positionId: string,
  symbol: string,
  qty: number,
  stopPrice: number,
  limitPrice: number | null,
  n: number,
  reason: string,
  now: number,
  side: OrderSide = "sell",
): OrderRecord {
  const order: OrderRecord = { ...orderIntent(positionId, symbol, "exit", { qty }, reason, now, `s${n}`, side), purpose: "stop", stopPrice, limitPrice };
  if (limitPrice === null) return Object.assign(order, { type: "stop_market" as const, reduceOnly: true });
  order.type = "stop_loss_limit";
  return order;
}

/** Whether the exchange may still execute (part of) this order. */
export function isLive(o: OrderRecord): boolean {
  return o.status === "sent" || o.status === "submitted" || o.status === "partially_filled" || o.status === "unknown";
}

/** Whether the order reached a final state. */
export function isFinal(o: OrderRecord): boolean {
  return o.status === "filled" || o.status === "cancelled" || o.status === "rejected";
}

/** Binance's limit and alphabet for client order ids. */
export const CLIENT_ORDER_ID_MAX = 36;
export const CLIENT_ORDER_ID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * Deterministic client order id: the same position and tag always give the same id, and two
 * different (position, tag) pairs never share one. An id that would pass Binance's 36 characters
 * keeps a readable prefix of the position id and replaces the rest by a 64-bit hash of all of it
 * (after a ".", which no position id contains, so it cannot meet an unshortened id).
 */
export function clientOrderId(positionId: string, purpose: "entry" | "exit" | string): string {
  const tag = purpose === "entry" ? "e" : purpose === "exit" ? "x" : purpose;
  const plain = `${positionId}-${tag}`;
  if (plain.length <= CLIENT_ORDER_ID_MAX && !positionId.includes(".")) return plain;
  const hash = hash64(positionId);
  const room = CLIENT_ORDER_ID_MAX - hash.length - tag.length - 2;
  return `${positionId.slice(0, room).replace(/[^A-Za-z0-9_-]/g, "_")}.${hash}-${tag}`;
}

/** Two independent 32-bit FNV-1a style hashes of `text`, as 14 base-36 digits (pure, stable). */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const hi = (a >>> 0).toString(36).padStart(7, "0");
  const lo = (b >>> 0).toString(36).padStart(7, "0");
  return hi + lo;
}

/**
 * A market order written as intent: sized in quote for an entry, in base for an exit. `side` defaults to a long's
 * (entries buy, exits sell); a short's entry sells and its exit buys.
 */
export function orderIntent(
  positionId: string,
  symbol: string,
  purpose: "entry" | "exit",
  size: { quoteQty: number } | { qty: number },
  reason: string,
  now: number,
  tag: string = purpose,
  side: OrderSide = purpose === "entry" ? "buy" : "sell",
): OrderRecord {
  return {
    clientOrderId: clientOrderId(positionId, tag),
    positionId,
    symbol,
    side,
    purpose,
    status: "intent",
    quoteQty: "quoteQty" in size ? size.quoteQty : null,
    qty: "qty" in size ? size.qty : null,
    reason,
    createdAt: now,
    submittedAt: null,
    filledAt: null,
    fillPrice: null,
    filledQty: null,
    fee: null,
    rejectReason: null,
  };
}
