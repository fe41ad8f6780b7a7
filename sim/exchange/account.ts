import { round8 } from "./intervals";
import { Ledger } from "./ledger";
import { baseAsset, QUOTE_ASSET, stepSize } from "./market-data";
import { checkNewOrder, generatedClientId, limitReached, reject, stopReached } from "./order-rules";
import { isOpen, isStop, splitQty, type NewOrder, type Order, type Trade } from "./orders";

export { MIN_NOTIONAL } from "./order-rules";
export type { NewOrder, Order, OrderStatus, OrderType, Side, Trade } from "./orders";

export type ExecType = "NEW" | "TRADE" | "CANCELED" | "EXPIRED";

/** What the user-data stream reports, emitted synchronously while the order's state is current. */
export type AccountEvent = { kind: "execution"; order: Order; exec: ExecType; T: number; trade?: Trade; cancelClientId?: string } | { kind: "balances"; T: number; assets: string[] };

export interface AccountOptions {
  balances: Record<string, number>;
  takerFee: number;
  /** MARKET executions (MARKET orders, triggered STOP_LOSS) fill as this many trades. */
  fillParts: number;
  emit?: (e: AccountEvent) => void;
}

/**
 * Spot account of one session: balances, orders and trades. MARKET orders and marketable LIMIT orders fill at
 * once at the current price (taker); other LIMIT orders rest with funds locked and fill at their limit price once
 * the replay path reaches it (maker). STOP_LOSS / STOP_LOSS_LIMIT orders lock their funds and trigger when the
 * path reaches stopPrice, then act as a MARKET order / a LIMIT order at `price`. Every fill pays `takerFee` on
 * the received amount, in the received asset.
 */
export class Account {
  readonly orders: Order[] = [];
  readonly trades: Trade[] = [];
  readonly ordersByClientId: Record<string, number> = {};
  readonly takerFee: number;
  private readonly ledger: Ledger;
  private readonly fillParts: number;
  private readonly emit: (e: AccountEvent) => void;
  private readonly delays: { remaining: number; parts: number; ticksPerPart: number }[] = [];
  /** Open orders, the only ones a tick can trigger or fill. */
  private readonly live = new Set<Order>();
  private nextOrderId = 1;
  private nextTradeId = 1;

  constructor(o: AccountOptions) {
    this.ledger = new Ledger(o.balances);
    this.takerFee = o.takerFee;
    this.fillParts = o.fillParts;
    this.emit = o.emit ?? (() => {});
  }

  balance(asset: string): { free: number; locked: number } {
    return this.ledger.get(asset);
  }

  balances(): { asset: string; free: number; locked: number }[] {
    return this.ledger.list();
  }

  /** The most recent order of `symbol` with this id (client ids can repeat once the earlier order closed). */
  find(symbol: string, q: { orderId?: number; clientOrderId?: string }): Order | undefined {
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i]!;
      if (o.symbol !== symbol) continue;
      if (q.orderId !== undefined ? o.orderId === q.orderId : o.clientOrderId === q.clientOrderId) return o;
    }
    return undefined;
  }

  /** `delayed_fill` fault: the next `count` MARKET orders are accepted as NEW and fill over the next ticks. */
  delayNext(count: number, parts: number, ticksPerPart: number): void {
    this.delays.push({ remaining: count, parts, ticksPerPart });
  }

  pendingDelays(): { remaining: number; parts: number; ticksPerPart: number }[] {
    return this.delays.filter((d) => d.remaining > 0).map((d) => ({ ...d }));
  }

  clearDelays(): void {
    this.delays.length = 0;
  }

  place(req: NewOrder, T: number, marketPrice: number): Order {
    const cid = req.clientOrderId ?? generatedClientId(this.nextOrderId);
    for (const o of this.live) if (o.clientOrderId === cid) throw reject(-2010, "Duplicate order sent.");
    const { qty, refPrice } = checkNewOrder(req, marketPrice, this.ledger);
    const stop = isStop(req);
    const order: Order = {
      symbol: req.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce ?? "GTC",
      price: req.type === "LIMIT" || req.type === "STOP_LOSS_LIMIT" ? req.price! : 0,
      stopPrice: stop ? req.stopPrice! : 0,
      origQty: qty,
      origQuoteOrderQty: req.quoteOrderQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: "NEW",
      time: T,
      updateTime: T,
      workingTime: stop ? -1 : T,
      fills: [],
      locked: 0,
      lockPrice: 0,
    };
    this.orders.push(order);
    this.ordersByClientId[cid] = (this.ordersByClientId[cid] ?? 0) + 1;
    this.execution(order, "NEW", T);
    const delay = req.type === "MARKET" ? this.delays.find((d) => d.remaining > 0) : undefined;
    if (stop) this.lockFor(order, refPrice);
    else if (delay) {
      delay.remaining--;
      this.lockFor(order, marketPrice);
      order.delayed = { parts: splitQty(qty, delay.parts, stepSize(order.symbol)), ticksPerPart: delay.ticksPerPart, ticksLeft: delay.ticksPerPart };
    } else this.work(order, marketPrice, T);
    if (isOpen(order)) this.live.add(order);
    this.flush(T);
    return order;
  }

  cancel(order: Order, T: number, cancelClientId: string): void {
    if (!isOpen(order)) throw reject(-2011, "Unknown order sent.");
    this.release(order);
    order.delayed = undefined;
    order.status = "CANCELED";
    order.updateTime = T;
    this.live.delete(order);
    this.execution(order, "CANCELED", T, undefined, cancelClientId);
    this.flush(T);
  }

  /**
   * One replay tick of `symbol`: `levels` are the prices the path stepped to, in order. At each level waiting
   * stops trigger and resting limits fill; delayed market fills then take their next part at the last level.
   */
  onTick(symbol: string, levels: readonly number[], E: number): void {
    for (const level of levels) {
      for (const o of this.live) {
        if (o.symbol !== symbol || !isOpen(o) || o.delayed) continue;
        if (o.workingTime < 0) {
          if (stopReached(o.side, o.stopPrice, level)) this.trigger(o, level, E);
        } else if (o.price > 0 && limitReached(o.side, o.price, level)) {
          this.fill(o, this.remaining(o), o.price, E, true);
        }
      }
    }
    const last = levels[levels.length - 1];
    if (last !== undefined) {
      for (const o of this.live) {
        if (o.symbol !== symbol || !o.delayed || --o.delayed.ticksLeft > 0) continue;
        o.delayed.ticksLeft = o.delayed.ticksPerPart;
        this.fill(o, o.delayed.parts.shift()!, last, E, false);
        if (o.delayed.parts.length === 0) o.delayed = undefined;
      }
    }
    for (const o of this.live) if (!isOpen(o)) this.live.delete(o);
    this.flush(E);
  }

  /** A working order meets the market at `price`: market types fill, limits fill if marketable, else rest. */
  private work(o: Order, price: number, T: number): void {
    if (o.type === "MARKET" || o.type === "STOP_LOSS") {
      for (const q of splitQty(this.remaining(o), this.fillParts, stepSize(o.symbol))) this.fill(o, q, price, T, false);
    } else if (limitReached(o.side, o.price, price)) {
      this.fill(o, this.remaining(o), price, T, false);
    } else if (o.timeInForce !== "GTC") {
      this.release(o);
      o.status = "EXPIRED";
      o.updateTime = T;
      this.execution(o, "EXPIRED", T);
    } else if (o.locked === 0) {
      this.lockFor(o, o.price);
    }
  }

  private trigger(o: Order, level: number, T: number): void {
    o.workingTime = T;
    o.updateTime = T;
    this.execution(o, "NEW", T);
    this.work(o, level, T);
  }

  private remaining(o: Order): number {
    return round8(o.origQty - o.executedQty);
  }

  private lockFor(o: Order, price: number): void {
    o.lockPrice = price;
    o.locked = o.side === "BUY" ? round8(o.origQty * price) : o.origQty;
    this.ledger.lock(o.side === "BUY" ? QUOTE_ASSET : baseAsset(o.symbol), o.locked);
  }

  private release(o: Order): void {
    if (o.locked > 0) this.ledger.unlock(o.side === "BUY" ? QUOTE_ASSET : baseAsset(o.symbol), o.locked);
    o.locked = 0;
  }

  /** Executes `qty` of `o` at `price`, taking the funds from the order's lock if it has one, else from free. */
  private fill(o: Order, qty: number, price: number, T: number, isMaker: boolean): void {
    const buy = o.side === "BUY";
    const base = baseAsset(o.symbol);
    const quoteQty = round8(qty * price);
    const [pay, payAmount] = buy ? [QUOTE_ASSET, quoteQty] : [base, qty];
    const last = round8(o.executedQty + qty) >= o.origQty;
    const fromLock = o.locked > 0 ? (last ? o.locked : Math.min(o.locked, buy ? round8(qty * o.lockPrice) : qty)) : 0;
    o.locked = round8(o.locked - fromLock);
    this.ledger.add(pay, fromLock - payAmount, -fromLock);
    const commission = round8((buy ? qty : quoteQty) * this.takerFee);
    const commissionAsset = buy ? base : QUOTE_ASSET;
    this.ledger.add(commissionAsset, (buy ? qty : quoteQty) - commission);
    const trade: Trade = {
      symbol: o.symbol,
      orderId: o.orderId,
      tradeId: this.nextTradeId++,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset,
      time: T,
      isBuyer: buy,
      isMaker,
    };
    o.fills.push(trade);
    this.trades.push(trade);
    o.executedQty = round8(o.executedQty + qty);
    o.cummulativeQuoteQty = round8(o.cummulativeQuoteQty + quoteQty);
    o.status = last ? "FILLED" : "PARTIALLY_FILLED";
    o.updateTime = T;
    this.execution(o, "TRADE", T, trade);
  }

  private execution(order: Order, exec: ExecType, T: number, trade?: Trade, cancelClientId?: string): void {
    this.emit({ kind: "execution", order, exec, T, trade, cancelClientId });
  }

  private flush(T: number): void {
    const assets = this.ledger.takeTouched();
    if (assets.length > 0) this.emit({ kind: "balances", T, assets });
  }
}
