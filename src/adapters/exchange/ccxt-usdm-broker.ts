import { z } from "zod";
import type { BrokerReport, ExchangeOrderView } from "../../lib/execution/exchange-orders";
import type { OrderRecord } from "../../lib/execution/order";
import { perpKey } from "../../lib/execution/reconcile";
import { assetsOf } from "../../lib/util/symbols";
import type { VenueActivity, VenueClose } from "../../lib/execution/venue-futures";
import type { ExchangeBalance, ExchangeOpenOrder } from "./broker";
import { CcxtVenueBroker, decimal, exchangeError, lookupReport, openOrderOf, placementReport, RawOrderSchema, RawTradeSchema, viewOf, fillOf } from "./ccxt-broker";

/** Binance's Algo Order API answer (`/fapi/v1/algoOrder`): a conditional order, which places a market order when triggered. */
const RawAlgoSchema = z.object({
  algoId: z.union([z.number(), z.string()]),
  clientAlgoId: z.string(),
  algoStatus: z.enum(["NEW", "TRIGGERING", "TRIGGERED", "FINISHED", "CANCELED", "EXPIRED", "REJECTED"]),
  actualOrderId: z.union([z.number(), z.string()]).nullish(),
  side: z.enum(["BUY", "SELL"]).optional(),
  quantity: decimal.optional(),
  updateTime: z.number().optional(),
  createTime: z.number().optional(),
});
type RawAlgo = z.infer<typeof RawAlgoSchema>;

/** A signed decimal string (positions, P&L, income). */
const finite = z.string().refine((x) => x.trim() !== "" && Number.isFinite(Number(x)), "not a number");
const MarkSchema = z.object({ markPrice: decimal.refine((s) => Number(s) > 0, "not a positive price") });
const AccountSchema = z.object({
  assets: z.array(z.object({ asset: z.string(), walletBalance: finite })),
  positions: z.array(z.object({ symbol: z.string(), positionAmt: finite })),
});

/** The USD-M linear perpetual of a spot symbol, as ccxt names it: BTC/USDT → BTC/USDT:USDT. */
export function perpSymbol(symbol: string): string {
  return `${symbol}:${assetsOf(symbol).quote}`;
}

/**
 * A refusal before anything was sent (the order's amount, the symbol's settings): final when the venue or ccxt's market
 * rules said so (an amount under the lot step is ccxt's InvalidOrder, with no venue code), else try again later.
 */
function setupReport(err: unknown, what: string): BrokerReport {
  const e = exchangeError(err);
  if (e.code === null && (e.name === "InvalidOrder" || e.name === "BadRequest" || e.name === "ArgumentsRequired")) return { kind: "rejected", reason: `${what}: ${e.msg}`, code: null };
  const r = placementReport(err);
  return r.kind === "rejected" ? { ...r, reason: `${what}: ${r.reason}` } : { kind: "not_sent", reason: `${what}: ${r.kind === "order" || r.kind === "not_found" ? "?" : r.reason}` };
}

/**
 * The exchange broker on ccxt's Binance USD-M class (`binanceusdm`): one-way positions on isolated margin at the
 * position's leverage (set before its entry), market entries sized from the quote notional at the mark price, reduce-only
 * exits, and a reduce-only stop-market protective stop through the Algo Order API. Commissions are in USDT.
 */
export class CcxtUsdmBroker extends CcxtVenueBroker {
  /** Symbols set to isolated margin at a leverage by this instance (the venue keeps the setting; asking again is harmless). */
  private readonly prepared = new Map<string, number>();

  protected async placeOnce(order: OrderRecord): Promise<BrokerReport> {
    const symbol = perpSymbol(order.symbol);
    if (order.purpose === "entry") {
      const refused = await this.prepare(symbol, order.leverage ?? 1);
      if (refused) return refused;
    }
    let amount: number;
    try {
      // A reduce-only size is the position's, a sum of fills (0.015 + 0.006 = 0.020999…): nudged up before ccxt truncates it
      // to the step, so no step is left behind (reduce-only never overshoots: the venue caps it at the position).
      const qty = order.qty !== null ? (order.reduceOnly ? order.qty * (1 + 1e-9) : order.qty) : await this.entryQty(symbol, order.quoteQty ?? 0);
      amount = Number(this.client.amountToPrecision(symbol, qty));
    } catch (err) {
      return setupReport(err, "order size");
    }
    const params = { clientOrderId: order.clientOrderId };
    let raw: unknown;
    try {
      if (order.type === "stop_market") {
        const triggerPrice = Number(this.client.priceToPrecision(symbol, order.stopPrice!));
        raw = (await this.client.createOrder(symbol, "market", order.side, amount, undefined, { ...params, triggerPrice, reduceOnly: true })).info;
      } else {
        raw = (await this.client.createOrder(symbol, "market", order.side, amount, undefined, { ...params, newOrderRespType: "RESULT", ...(order.reduceOnly ? { reduceOnly: true } : {}) })).info;
      }
    } catch (err) {
      return placementReport(err);
    }
    if (order.type === "stop_market") return this.algoReport(symbol, raw);
    const parsed = RawOrderSchema.safeParse(raw);
    if (!parsed.success) return { kind: "unknown", reason: `unreadable order answer: ${parsed.error.issues[0]?.message ?? "?"}` };
    // The answer carries no executions: they are asked at once (a failure leaves the order to the next query).
    const fills = Number(parsed.data.executedQty) > 0 ? await this.trades(symbol, String(parsed.data.orderId)).catch(() => []) : [];
    return { kind: "order", order: viewOf(parsed.data, fills) };
  }

  /** Isolated margin at `leverage` for the symbol, before an entry; "no need to change" is success. */
  private async prepare(symbol: string, leverage: number): Promise<BrokerReport | null> {
    if (this.prepared.get(symbol) === leverage) return null;
    try {
      await this.client.setMarginMode("isolated", symbol);
    } catch (err) {
      const e = exchangeError(err);
      if (e.code !== -4046 && e.name !== "MarginModeAlreadySet") return setupReport(err, "isolated margin");
    }
    try {
      await this.client.setLeverage(leverage, symbol);
    } catch (err) {
      return setupReport(err, `leverage ${leverage}`);
    }
    this.prepared.set(symbol, leverage);
    return null;
  }

  /** The base quantity a quote notional buys or sells at the venue's mark price now. */
  private async entryQty(symbol: string, quoteQty: number): Promise<number> {
    const mark = MarkSchema.parse((await this.client.fetchMarkPrice(symbol)).info);
    return quoteQty / Number(mark.markPrice);
  }

  protected async queryOnce(order: OrderRecord): Promise<BrokerReport> {
    const symbol = perpSymbol(order.symbol);
    if (order.type === "stop_market") {
      let raw: unknown;
      try {
        raw = (await this.client.fetchOrder(undefined as unknown as string, symbol, { trigger: true, clientOrderId: order.clientOrderId })).info;
      } catch (err) {
        return lookupReport(err);
      }
      return this.algoReport(symbol, raw);
    }
    return this.orderReport(symbol, { origClientOrderId: order.clientOrderId });
  }

  /**
   * A protective stop as the venue sees it: resting (or triggering) it is working; once triggered it is the market order
   * it placed, with that order's executions; cancelled, expired or rejected before that, it ended with nothing executed.
   */
  private async algoReport(symbol: string, raw: unknown): Promise<BrokerReport> {
    const parsed = RawAlgoSchema.safeParse(raw);
    if (!parsed.success) return { kind: "unknown", reason: `unreadable algo order answer: ${parsed.error.issues[0]?.message ?? "?"}` };
    const algo = parsed.data;
    const actual = algo.actualOrderId == null || String(algo.actualOrderId) === "" ? null : String(algo.actualOrderId);
    if (actual !== null) {
      const r = await this.orderReport(symbol, { orderId: actual });
      // Triggered a moment ago: the market order it placed is not listed yet.
      return r.kind === "not_found" ? { kind: "order", order: algoView(algo, "NEW") } : r;
    }
    const s = algo.algoStatus;
    if (s === "TRIGGERED" || s === "FINISHED") return { kind: "unknown", reason: `stop ${s.toLowerCase()} without its order id` };
    return { kind: "order", order: algoView(algo, s === "NEW" || s === "TRIGGERING" ? "NEW" : s === "CANCELED" ? "CANCELED" : s) };
  }

  protected async cancelOnce(order: OrderRecord): Promise<BrokerReport> {
    const symbol = perpSymbol(order.symbol);
    const by = order.type === "stop_market" ? { trigger: true, clientOrderId: order.clientOrderId } : { origClientOrderId: order.clientOrderId };
    try {
      await this.client.cancelOrder(undefined as unknown as string, symbol, by);
    } catch (err) {
      const e = exchangeError(err);
      // -2011: nothing to cancel (triggered, filled, already cancelled, or never placed): the query says which.
      if (e.code !== -2011 && e.name !== "OrderNotFound") return { kind: "unknown", reason: `cancel failed: ${e.msg}` };
    }
    return this.queryOnce(order);
  }

  async venueActivity(symbol: string, since: number, ownOrderIds: readonly string[], lookForClose = true): Promise<VenueActivity> {
    try {
      return this.watchAlert(await this.venueActivityOnce(perpSymbol(symbol), since, new Set(ownOrderIds), lookForClose));
    } catch (err) {
      this.watchAlert(null);
      return { kind: "unknown", reason: `venue activity unavailable: ${exchangeError(err).msg}` };
    }
  }

  private async venueActivityOnce(symbol: string, since: number, own: ReadonlySet<string>, lookForClose: boolean): Promise<VenueActivity> {
    await this.client.loadMarkets();
    const id = this.client.market(symbol).id;
    const api = this.client as unknown as Record<string, (params: Record<string, unknown>) => Promise<unknown>>;
    const income = z.array(IncomeSchema).parse(await api["fapiPrivateGetIncome"]!({ symbol: id, startTime: since, limit: 1000 }));
    const funding = income.filter((i) => i.incomeType === "FUNDING_FEE").map((i) => ({ at: i.time, amount: Number(i.income) }));
    const risk = z.array(z.object({ positionAmt: finite })).parse(await api["fapiPrivateV3GetPositionRisk"]!({ symbol: id }));
    const positionAmt = risk.reduce((a, r) => a + Number(r.positionAmt), 0);
    if (positionAmt !== 0 || !lookForClose) return { kind: "activity", positionAmt, funding, close: null };
    // Flat on the venue: executions since the entry of orders none of ours placed are the venue's close, if their orders say so.
    const trades = z.array(FuturesTradeSchema).parse(await api["fapiPrivateGetUserTrades"]!({ symbol: id, startTime: since, limit: 1000 }));
    const foreign = trades.filter((t) => !own.has(String(t.orderId)));
    let close: VenueClose | null = null;
    for (const orderId of new Set(foreign.map((t) => String(t.orderId)))) {
      const order = RawOrderSchema.parse((await this.client.fetchOrder(orderId, symbol)).info);
      if (!VENUE_CLOSE.test(order.clientOrderId)) continue;
      const rows = foreign.filter((t) => String(t.orderId) === orderId);
      close ??= { kind: order.clientOrderId.startsWith("adl") ? "adl" : order.clientOrderId.startsWith("settlement") ? "settlement" : "liquidation", fills: [], realizedPnl: 0 };
      for (const t of rows) {
        close.fills.push(fillOf({ ...t, tradeId: t.id }, t.time));
        close.realizedPnl += Number(t.realizedPnl);
      }
    }
    // What a liquidation's clearance took from the margin beyond the trade's realized P&L (Binance books it apart).
    if (close) for (const i of income) if (i.incomeType === "INSURANCE_CLEAR") close.realizedPnl += Number(i.income);
    return { kind: "activity", positionAmt, funding, close };
  }

  /** The USD-M wallet (isolated margins included) per asset, and each perpetual's signed position amount under `perpKey`. */
  protected async balancesOnce(): Promise<Record<string, ExchangeBalance>> {
    await this.client.loadMarkets();
    const account = AccountSchema.parse(await (this.client as unknown as { fapiPrivateV3GetAccount: () => Promise<unknown> }).fapiPrivateV3GetAccount());
    const out: Record<string, ExchangeBalance> = {};
    for (const a of account.assets) out[a.asset] = { free: Number(a.walletBalance), locked: 0 };
    for (const p of account.positions) {
      const market = this.client.safeMarket(p.symbol, undefined, undefined, "swap");
      if (!market.base || !market.quote) continue;
      const key = perpKey(`${market.base}/${market.quote}`);
      out[key] = { free: (out[key]?.free ?? 0) + Number(p.positionAmt), locked: 0 };
    }
    return out;
  }

  protected async openOrdersOnce(symbols: readonly string[]): Promise<ExchangeOpenOrder[]> {
    const out: ExchangeOpenOrder[] = [];
    for (const symbol of symbols) {
      for (const o of await this.client.fetchOpenOrders(perpSymbol(symbol))) {
        out.push(openOrderOf(symbol, o.info));
      }
      for (const o of await this.client.fetchOpenOrders(perpSymbol(symbol), undefined, undefined, { trigger: true })) {
        const r = RawAlgoSchema.parse(o.info);
        out.push({
          symbol,
          clientOrderId: r.clientAlgoId,
          exchangeOrderId: String(r.algoId),
          side: r.side === "BUY" ? "buy" : "sell",
          type: "STOP_MARKET",
          qty: Number(r.quantity ?? 0),
          executedQty: 0,
        });
      }
    }
    return out;
  }
}

const IncomeSchema = z.object({ incomeType: z.string(), income: finite, time: z.number() });
/** A USD-M execution: a spot one's fields, its commission signed (a rebate is negative) and the P&L it realized. */
const FuturesTradeSchema = RawTradeSchema.extend({ commission: finite, realizedPnl: finite });

/** Binance's client ids of the orders it places itself: a liquidation's, an auto-deleverage's, a delisting's settlement. */
const VENUE_CLOSE = /^(autoclose-|adl_autoclose|settlement_autoclose-)/;

function algoView(algo: RawAlgo, status: ExchangeOrderView["status"]): ExchangeOrderView {
  return { exchangeOrderId: String(algo.algoId), status, executedQty: 0, fills: [], at: algo.updateTime ?? algo.createTime ?? 0 };
}
