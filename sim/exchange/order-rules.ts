import { createHash } from "node:crypto";
import { ApiError } from "./http-util";
import { isMultiple, round8 } from "./intervals";
import type { Ledger } from "./ledger";
import { baseAsset, QUOTE_ASSET, stepSize, TICK_SIZE } from "./market-data";
import type { NewOrder, Side } from "./orders";

export const MIN_NOTIONAL = 5;

export const reject = (code: number, msg: string) => new ApiError(400, code, msg);

/** SELL stops trigger once the price falls to stopPrice, BUY stops once it rises to it. */
export function stopReached(side: Side, stopPrice: number, price: number): boolean {
  return side === "SELL" ? price <= stopPrice : price >= stopPrice;
}

/** A limit order trades against `price` if it is at or better than its limit. */
export function limitReached(side: Side, limit: number, price: number): boolean {
  return side === "BUY" ? price <= limit : price >= limit;
}

/**
 * Binance-looking 22-character client id for orders sent without `newClientOrderId`, derived from the order id
 * so a replay is deterministic.
 */
export function generatedClientId(orderId: number): string {
  return createHash("sha256")
    .update(`sim-order-${orderId}`)
    .digest("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 22);
}

/**
 * Checks a new order against the symbol filters, the stop-price rule and the balance, the way Binance rejects
 * it (codes and messages). Returns the base quantity and the price the order's funds are reserved at.
 */
export function checkNewOrder(req: NewOrder, marketPrice: number, ledger: Ledger): { qty: number; refPrice: number } {
  const step = stepSize(req.symbol);
  let qty = req.quantity;
  if (qty === undefined) qty = round8(Math.floor((req.quoteOrderQty ?? 0) / marketPrice / step + 1e-9) * step);
  const hasLimit = req.type === "LIMIT" || req.type === "STOP_LOSS_LIMIT";
  const hasStop = req.type === "STOP_LOSS" || req.type === "STOP_LOSS_LIMIT";
  for (const p of [hasLimit ? req.price : undefined, hasStop ? req.stopPrice : undefined]) {
    if (p !== undefined && (p <= 0 || !isMultiple(p, TICK_SIZE))) throw reject(-1013, "Filter failure: PRICE_FILTER");
  }
  if (qty < step || !isMultiple(qty, step)) throw reject(-1013, "Filter failure: LOT_SIZE");
  const refPrice = hasLimit ? req.price! : hasStop ? req.stopPrice! : marketPrice;
  if (qty * refPrice < MIN_NOTIONAL) throw reject(-1013, "Filter failure: NOTIONAL");
  if (hasStop && stopReached(req.side, req.stopPrice!, marketPrice)) throw reject(-2010, "Order would trigger immediately.");
  const enough = req.side === "BUY" ? ledger.get(QUOTE_ASSET).free >= round8(qty * refPrice) : ledger.get(baseAsset(req.symbol)).free >= qty;
  if (!enough) throw reject(-2010, "Account has insufficient balance for requested action.");
  return { qty, refPrice };
}
