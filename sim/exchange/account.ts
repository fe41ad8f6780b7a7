import { randomBytes } from "node:crypto";
import { ApiError } from "./http-util";
import { isMultiple, round8 } from "./intervals";
import { baseAsset, QUOTE_ASSET, stepSize, TICK_SIZE } from "./market-data";

export const MIN_NOTIONAL = 5;

export type Side = "BUY" | "SELL";
export type OrderStatus = "NEW" | "FILLED" | "CANCELED" | "EXPIRED";

export interface Fill {
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  tradeId: number;
}

export interface Order {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: "MARKET" | "LIMIT";
  timeInForce: "GTC" | "IOC" | "FOK";
  price: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: OrderStatus;
  time: number;
  updateTime: number;
  fills: Fill[];
}

export interface Trade extends Fill {
  symbol: string;
  orderId: number;
  quoteQty: number;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface NewOrder {
  symbol: string;
  side: Side;
  type: "MARKET" | "LIMIT";
  timeInForce?: "GTC" | "IOC" | "FOK";
  quantity?: number;
  quoteOrderQty?: number;
  price?: number;
  clientOrderId?: string;
}

const reject = (code: number, msg: string) => new ApiError(400, code, msg);
const insufficient = () => reject(-2010, "Account has insufficient balance for requested action.");

function newClientId(): string {
  return randomBytes(16).toString("base64url").replace(/[-_]/g, "x").slice(0, 22);
}

/**
 * Spot account of one session: balances, orders and trades. MARKET and marketable LIMIT orders fill at once at
 * the current price; other LIMIT orders rest (locking funds) and fill at their limit price when the replay path
 * reaches it. Every fill pays `takerFee` on the received amount, in the received asset.
 */
export class Account {
  readonly orders: Order[] = [];
  readonly trades: Trade[] = [];
  readonly ordersByClientId: Record<string, number> = {};
  private readonly bal = new Map<string, { free: number; locked: number }>();
  private nextOrderId = 1;
  private nextTradeId = 1;

  constructor(
    balances: Record<string, number>,
    readonly takerFee: number,
  ) {
    for (const [asset, free] of Object.entries(balances)) this.bal.set(asset, { free, locked: 0 });
  }

  balance(asset: string): { free: number; locked: number } {
    let b = this.bal.get(asset);
    if (!b) this.bal.set(asset, (b = { free: 0, locked: 0 }));
    return b;
  }

  balances(): { asset: string; free: number; locked: number }[] {
    return [...this.bal.entries()].map(([asset, b]) => ({ asset, ...b }));
  }

  find(symbol: string, q: { orderId?: number; clientOrderId?: string }): Order | undefined {
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i]!;
      if (o.symbol !== symbol) continue;
      if (q.orderId !== undefined ? o.orderId === q.orderId : o.clientOrderId === q.clientOrderId) return o;
    }
    return undefined;
  }

  place(req: NewOrder, T: number, marketPrice: number): Order {
    const cid = req.clientOrderId ?? newClientId();
    if (this.orders.some((o) => o.clientOrderId === cid && o.status === "NEW")) throw reject(-2010, "Duplicate order sent.");
    const step = stepSize(req.symbol);
    let qty = req.quantity;
    if (qty === undefined) qty = round8(Math.floor((req.quoteOrderQty ?? 0) / marketPrice / step + 1e-9) * step);
    const limit = req.type === "LIMIT" ? req.price! : 0;
    if (req.type === "LIMIT" && (limit <= 0 || !isMultiple(limit, TICK_SIZE))) throw reject(-1013, "Filter failure: PRICE_FILTER");
    if (qty < step || !isMultiple(qty, step)) throw reject(-1013, "Filter failure: LOT_SIZE");
    const refPrice = req.type === "LIMIT" ? limit : marketPrice;
    if (qty * refPrice < MIN_NOTIONAL) throw reject(-1013, "Filter failure: NOTIONAL");
    const base = this.balance(baseAsset(req.symbol));
    const quote = this.balance(QUOTE_ASSET);
    if (req.side === "BUY" ? quote.free < round8(qty * refPrice) : base.free < qty) throw insufficient();

    const order: Order = {
      symbol: req.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce ?? "GTC",
      price: limit,
      origQty: qty,
      origQuoteOrderQty: req.quoteOrderQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: "NEW",
      time: T,
      updateTime: T,
      fills: [],
    };
    this.orders.push(order);
    this.ordersByClientId[cid] = (this.ordersByClientId[cid] ?? 0) + 1;
    const marketable = req.type === "MARKET" || (req.side === "BUY" ? marketPrice <= limit : marketPrice >= limit);
    if (marketable) this.fill(order, marketPrice, T, false);
    else if (order.timeInForce !== "GTC") order.status = "EXPIRED";
    else if (req.side === "BUY") this.move(quote, round8(qty * limit), true);
    else this.move(base, qty, true);
    return order;
  }

  cancel(order: Order, T: number): void {
    if (order.status !== "NEW") throw reject(-2011, "Unknown order sent.");
    if (order.side === "BUY") this.move(this.balance(QUOTE_ASSET), round8(order.origQty * order.price), false);
    else this.move(this.balance(baseAsset(order.symbol)), order.origQty, false);
    order.status = "CANCELED";
    order.updateTime = T;
  }

  /** Fills resting LIMIT orders of `symbol` whose price the path reached within [lo, hi]. */
  onTick(symbol: string, lo: number, hi: number, E: number): void {
    for (const o of this.orders) {
      if (o.symbol !== symbol || o.status !== "NEW" || o.type !== "LIMIT") continue;
      if (o.side === "BUY" ? lo <= o.price : hi >= o.price) this.fill(o, o.price, E, true);
    }
  }

  private move(b: { free: number; locked: number }, amount: number, lock: boolean): void {
    b.free = round8(b.free + (lock ? -amount : amount));
    b.locked = round8(b.locked + (lock ? amount : -amount));
  }

  private fill(o: Order, price: number, T: number, resting: boolean): void {
    const qty = o.origQty;
    const quoteQty = round8(qty * price);
    const base = this.balance(baseAsset(o.symbol));
    const quote = this.balance(QUOTE_ASSET);
    const buy = o.side === "BUY";
    const commission = round8((buy ? qty : quoteQty) * this.takerFee);
    const commissionAsset = buy ? baseAsset(o.symbol) : QUOTE_ASSET;
    if (buy) {
      if (resting) quote.locked = round8(quote.locked - quoteQty);
      else quote.free = round8(quote.free - quoteQty);
      base.free = round8(base.free + qty - commission);
    } else {
      if (resting) base.locked = round8(base.locked - qty);
      else base.free = round8(base.free - qty);
      quote.free = round8(quote.free + quoteQty - commission);
    }
    const fill: Fill = { price, qty, commission, commissionAsset, tradeId: this.nextTradeId++ };
    o.fills.push(fill);
    this.trades.push({ ...fill, symbol: o.symbol, orderId: o.orderId, quoteQty, time: T, isBuyer: buy, isMaker: resting });
    o.executedQty = qty;
    o.cummulativeQuoteQty = quoteQty;
    o.status = "FILLED";
    o.updateTime = T;
  }
}
