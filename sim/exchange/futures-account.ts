import { ApiError } from "./http-util";
import { round8 } from "./intervals";
import { firstIndex, fundingOf } from "./market-data";
import { generatedClientId, reject, stopReached } from "./order-rules";
import type { Side } from "./orders";
import {
  algoOrderJson,
  futuresOrderJson,
  futuresTradeJson,
  incomeJson,
  isOpenOrder,
  type AlgoOrder,
  type FuturesOrder,
  type FuturesOrderType,
  type FuturesTrade,
  type Income,
  type IncomeType,
} from "./futures-orders";
import { applyFill, DEFAULT_LEVERAGE, FUTURES_TAKER_FEE, liquidationPrice, liquidationReached, unrealizedPnl, type Position, type SymbolSettings } from "./futures-positions";

export interface FuturesNewOrder {
  symbol: string;
  side: Side;
  type: FuturesOrderType;
  /** Absent only for a closePosition stop. */
  quantity?: number;
  stopPrice?: number;
  reduceOnly: boolean;
  closePosition: boolean;
  clientOrderId?: string;
}

const duplicate = () => reject(-4116, "ClientOrderId is duplicated.");
const opposite = (side: Side): Side => (side === "BUY" ? "SELL" : "BUY");

/**
 * USD-M perpetual account of one session, separate from the spot ledger: a USDT wallet, per-symbol leverage and
 * margin type, one-way positions, orders, fills and the income history. The replay price is the mark price. Every
 * fill books its realized PnL and the taker fee to the wallet; funding is settled at the shipped funding times;
 * an isolated position whose mark reaches its liquidation price is closed and loses its isolated margin.
 */
export class FuturesAccount {
  /** Total wallet balance (cross wallet plus every isolated wallet). */
  wallet: number;
  readonly positions = new Map<string, Position>();
  readonly orders: FuturesOrder[] = [];
  readonly algoOrders: AlgoOrder[] = [];
  readonly trades: FuturesTrade[] = [];
  readonly income: Income[] = [];
  private readonly settings = new Map<string, SymbolSettings>();
  private readonly liveStops = new Set<FuturesOrder>();
  private readonly liveAlgos = new Set<AlgoOrder>();
  private readonly nextFunding = new Map<string, number>();
  private nextOrderId = 1;
  private nextAlgoId = 1_000_001;
  private nextTradeId = 1;
  private nextTranId = 1;
  updateTime: number;

  constructor(
    initialWallet: number,
    private readonly start: number,
    private readonly mark: (symbol: string) => number,
  ) {
    this.wallet = initialWallet;
    this.updateTime = start;
  }

  setting(symbol: string): SymbolSettings {
    let s = this.settings.get(symbol);
    if (!s) this.settings.set(symbol, (s = { leverage: DEFAULT_LEVERAGE, isolated: false }));
    return s;
  }

  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (!p) this.positions.set(symbol, (p = { symbol, amt: 0, entry: 0, isolatedWallet: 0, updateTime: 0 }));
    return p;
  }

  crossWallet(): number {
    let w = this.wallet;
    for (const p of this.positions.values()) w -= p.isolatedWallet;
    return round8(w);
  }

  liquidationPrice(p: Position): number {
    return liquidationPrice(p, this.setting(p.symbol).isolated ? p.isolatedWallet : this.crossWallet());
  }

  /** Initial margin of a position at the mark: its isolated wallet, or notional / leverage for a cross one. */
  initialMargin(p: Position): number {
    if (p.amt === 0) return 0;
    return this.setting(p.symbol).isolated ? p.isolatedWallet : round8((Math.abs(p.amt) * this.mark(p.symbol)) / this.setting(p.symbol).leverage);
  }

  unrealizedPnl(p: Position): number {
    return unrealizedPnl(p, this.mark(p.symbol));
  }

  /** Cross wallet plus cross unrealized PnL, less the cross positions' initial margin (open orders reserve nothing). */
  availableBalance(): number {
    let a = this.crossWallet();
    for (const p of this.positions.values()) if (!this.setting(p.symbol).isolated) a += this.unrealizedPnl(p) - this.initialMargin(p);
    return Math.max(0, round8(a));
  }

  setLeverage(symbol: string, leverage: number): void {
    this.setting(symbol).leverage = leverage;
  }

  setMarginType(symbol: string, isolated: boolean): void {
    const s = this.setting(symbol);
    if (s.isolated === isolated) throw reject(-4046, "No need to change margin type.");
    if (this.position(symbol).amt !== 0) throw reject(-4048, "Margin type cannot be changed if there exists position.");
    if ([...this.liveStops, ...this.liveAlgos].some((o) => o.symbol === symbol)) throw reject(-4047, "Margin type cannot be changed if there exists open orders.");
    s.isolated = isolated;
  }

  /** MARKET orders fill at once at `price`; STOP_MARKET orders rest until the replay reaches stopPrice. */
  place(req: FuturesNewOrder, T: number, price: number): FuturesOrder {
    const cid = req.clientOrderId ?? generatedClientId(this.nextOrderId);
    if (this.orders.some((o) => isOpenOrder(o) && o.clientOrderId === cid)) throw duplicate();
    if (req.type === "STOP_MARKET" && stopReached(req.side, req.stopPrice!, price)) throw reject(-2021, "Order would immediately trigger.");
    const qty = req.type === "MARKET" ? this.executableQty(req.symbol, req.side, req.quantity!, req.reduceOnly, price) : 0;
    const o: FuturesOrder = {
      symbol: req.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      side: req.side,
      type: req.type,
      origQty: req.quantity ?? 0,
      executedQty: 0,
      cumQuote: 0,
      stopPrice: req.stopPrice ?? 0,
      reduceOnly: req.reduceOnly || req.closePosition,
      closePosition: req.closePosition,
      status: "NEW",
      time: T,
      updateTime: T,
    };
    this.orders.push(o);
    if (req.type === "MARKET") this.fill(o, qty, price, T);
    else this.liveStops.add(o);
    return o;
  }

  /** A conditional (algo) STOP_MARKET order: rests until triggered, then places a MARKET order. */
  placeAlgo(req: FuturesNewOrder, T: number, price: number): AlgoOrder {
    const cid = req.clientOrderId ?? generatedClientId(this.nextAlgoId);
    if ([...this.liveAlgos].some((a) => a.clientAlgoId === cid)) throw duplicate();
    if (stopReached(req.side, req.stopPrice!, price)) throw reject(-2021, "Order would immediately trigger.");
    const a: AlgoOrder = {
      symbol: req.symbol,
      algoId: this.nextAlgoId++,
      clientAlgoId: cid,
      side: req.side,
      orderType: "STOP_MARKET",
      quantity: req.quantity ?? 0,
      triggerPrice: req.stopPrice!,
      reduceOnly: req.reduceOnly || req.closePosition,
      closePosition: req.closePosition,
      algoStatus: "NEW",
      createTime: T,
      updateTime: T,
      triggerTime: 0,
      actualOrderId: undefined,
      actualPrice: 0,
    };
    this.algoOrders.push(a);
    this.liveAlgos.add(a);
    return a;
  }

  cancel(o: FuturesOrder, T: number): void {
    if (!isOpenOrder(o)) throw reject(-2011, "Unknown order sent.");
    o.status = "CANCELED";
    o.updateTime = T;
    this.liveStops.delete(o);
  }

  cancelAlgo(a: AlgoOrder, T: number): void {
    if (a.algoStatus !== "NEW") throw reject(-2011, "Unknown order sent.");
    a.algoStatus = "CANCELED";
    a.updateTime = T;
    this.liveAlgos.delete(a);
  }

  /** One replay tick of `symbol`: at each level stops trigger, then an isolated position may be liquidated; funding settles last. */
  onTick(symbol: string, levels: readonly number[], E: number): void {
    for (const level of levels) {
      for (const o of this.liveStops) if (o.symbol === symbol && stopReached(o.side, o.stopPrice, level)) this.triggerStop(o, level, E);
      for (const a of this.liveAlgos) if (a.symbol === symbol && stopReached(a.side, a.triggerPrice, level)) this.triggerAlgo(a, level, E);
      const p = this.positions.get(symbol);
      if (p && this.setting(symbol).isolated && liquidationReached(p, this.liquidationPrice(p), level)) this.liquidate(p, E);
    }
    const last = levels[levels.length - 1];
    if (last !== undefined) this.settleFunding(symbol, last, E);
  }

  /** Quantity a market execution may fill: a reduce-only one is refused when it would open or increase the position and capped at its size. */
  private executableQty(symbol: string, side: Side, qty: number, reduceOnly: boolean, price: number): number {
    const p = this.position(symbol);
    const reducible = p.amt !== 0 && p.amt > 0 === (side === "SELL") ? Math.abs(p.amt) : 0;
    if (reduceOnly) {
      if (reducible === 0) throw reject(-2022, "ReduceOnly Order is rejected.");
      return Math.min(qty, reducible);
    }
    const opened = Math.max(0, qty - reducible);
    if ((opened * price) / this.setting(symbol).leverage > this.availableBalance()) throw reject(-2019, "Margin is insufficient.");
    return qty;
  }

  private triggerStop(o: FuturesOrder, level: number, T: number): void {
    this.liveStops.delete(o);
    o.updateTime = T;
    try {
      const p = this.position(o.symbol);
      this.fill(o, this.executableQty(o.symbol, o.side, o.closePosition ? Math.abs(p.amt) : o.origQty, o.reduceOnly, level), level, T);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      o.status = "EXPIRED";
    }
  }

  private triggerAlgo(a: AlgoOrder, level: number, T: number): void {
    this.liveAlgos.delete(a);
    a.updateTime = T;
    a.triggerTime = T;
    try {
      const qty = a.closePosition ? Math.abs(this.position(a.symbol).amt) : a.quantity;
      const o = this.place({ symbol: a.symbol, side: a.side, type: "MARKET", quantity: qty, reduceOnly: a.reduceOnly, closePosition: false, clientOrderId: a.clientAlgoId }, T, level);
      a.algoStatus = "FINISHED";
      a.actualOrderId = o.orderId;
      a.actualPrice = level;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      a.algoStatus = "EXPIRED";
    }
  }

  private fill(o: FuturesOrder, qty: number, price: number, T: number, liquidation = false): void {
    const p = this.position(o.symbol);
    const isolatedLoss = p.isolatedWallet;
    const effect = applyFill(p, o.side === "BUY" ? qty : -qty, price, this.setting(o.symbol), T);
    const realizedPnl = liquidation ? -isolatedLoss : effect.realizedPnl;
    const quoteQty = round8(qty * price);
    const commission = liquidation ? 0 : round8(quoteQty * FUTURES_TAKER_FEE);
    this.wallet = round8(this.wallet + realizedPnl - commission);
    this.updateTime = T;
    const trade: FuturesTrade = { symbol: o.symbol, id: this.nextTradeId++, orderId: o.orderId, side: o.side, price, qty, quoteQty, realizedPnl, commission, time: T };
    this.trades.push(trade);
    if (realizedPnl !== 0) this.book(o.symbol, "REALIZED_PNL", realizedPnl, T, liquidation ? "LIQUIDATION" : "", String(trade.id));
    if (commission !== 0) this.book(o.symbol, "COMMISSION", -commission, T, "", String(trade.id));
    o.executedQty = round8(o.executedQty + qty);
    o.cumQuote = round8(o.cumQuote + quoteQty);
    o.status = "FILLED";
    o.updateTime = T;
  }

  /** Closes the position at its liquidation price with Binance's `autoclose-` client id; the loss is its whole isolated margin. */
  private liquidate(p: Position, T: number): void {
    const lp = this.liquidationPrice(p);
    const o: FuturesOrder = {
      symbol: p.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: `autoclose-${T}`,
      side: opposite(p.amt > 0 ? "BUY" : "SELL"),
      type: "MARKET",
      origQty: Math.abs(p.amt),
      executedQty: 0,
      cumQuote: 0,
      stopPrice: 0,
      reduceOnly: true,
      closePosition: false,
      status: "NEW",
      time: T,
      updateTime: T,
    };
    this.orders.push(o);
    this.fill(o, Math.abs(p.amt), lp, T, true);
  }

  /** Every shipped funding time in (start, E]: each open position pays (or receives) −sign(amt) × rate × |amt| × price. */
  private settleFunding(symbol: string, price: number, E: number): void {
    const points = fundingOf(symbol);
    let i = this.nextFunding.get(symbol) ?? firstIndex(points.length, (k) => points[k]!.t > this.start);
    for (; i < points.length && points[i]!.t <= E; i++) {
      const p = this.positions.get(symbol);
      if (!p || p.amt === 0) continue;
      const amount = round8(-Math.sign(p.amt) * points[i]!.rate * Math.abs(p.amt) * price);
      this.wallet = round8(this.wallet + amount);
      if (this.setting(symbol).isolated) p.isolatedWallet = round8(p.isolatedWallet + amount);
      this.updateTime = E;
      this.book(symbol, "FUNDING_FEE", amount, points[i]!.t, "FUNDING_FEE", "");
    }
    this.nextFunding.set(symbol, i);
  }

  private book(symbol: string, incomeType: IncomeType, income: number, time: number, info: string, tradeId: string): void {
    this.income.push({ symbol, incomeType, income, info, time, tranId: this.nextTranId++, tradeId });
  }
}
