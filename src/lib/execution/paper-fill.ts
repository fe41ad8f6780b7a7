import type { PaperConfig } from "../config";
import type { Fill, OrderRecord } from "./order";

/**
 * A market order filled by the paper broker at an observed market price: buys pay the price plus
 * slippage, sells receive it minus slippage; the taker fee is charged on the quote notional. An order sized in
 * quote (an entry, a long's buy or a short's sell) trades quote / price; one sized in base trades its quantity.
 */
export function paperFill(order: OrderRecord, marketPrice: number, at: number, cfg: PaperConfig): Fill {
  if (!(marketPrice > 0) || !Number.isFinite(marketPrice)) throw new Error(`paper fill needs a positive price, got ${marketPrice}`);
  const price = order.side === "buy" ? marketPrice * (1 + cfg.slippagePct) : marketPrice * (1 - cfg.slippagePct);
  let qty: number;
  if (order.quoteQty !== null) {
    if (!(order.quoteQty > 0)) throw new Error(`${order.side} order ${order.clientOrderId} has no quote size`);
    qty = order.quoteQty / price;
  } else {
    if (order.qty === null || !(order.qty > 0)) throw new Error(`${order.side} order ${order.clientOrderId} has no quantity`);
    qty = order.qty;
  }
  return { price, qty, fee: qty * price * cfg.takerFee, at };
}
