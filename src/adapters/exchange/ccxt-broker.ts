import { z } from "zod";
import type { BrokerReport, ExchangeOrderView } from "../../lib/execution/exchange-orders";
import type { OrderFill, OrderRecord } from "../../lib/execution/order";
import type { Broker, ExchangeBalance, ExchangeOpenOrder } from "./broker";
import { binanceVenue, createBinanceClient, type BinanceClient, type BinanceClientOptions } from "./ccxt-binance";
import { governorFor, RateLimitedError } from "./rate-governor";

// Binance's raw answers (ccxt's `info`), checked at the boundary: finite, non-negative, known statuses.
export const decimal = z.string().refine((s) => {
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 && n < 1e15;
}, "not a bounded decimal");
const OrderStatusSchema = z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED", "REJECTED", "PENDING_CANCEL", "EXPIRED_IN_MATCH"]);
export const RawOrderSchema = z.object({
  orderId: z.union([z.number(), z.string()]),
  clientOrderId: z.string(),
  status: OrderStatusSchema,
  executedQty: decimal,
  fills: z.array(z.object({ price: decimal, qty: decimal, commission: decimal, commissionAsset: z.string(), tradeId: z.union([z.number(), z.string()]) })).optional(),
  transactTime: z.number().optional(),
  updateTime: z.number().optional(),
  time: z.number().optional(),
});
export const RawTradeSchema = z.object({
  id: z.union([z.number(), z.string()]),
  orderId: z.union([z.number(), z.string()]),
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string(),
  time: z.number(),
});
const RawOpenOrderSchema = z.object({
  symbol: z.string(),
  orderId: z.union([z.number(), z.string()]),
  clientOrderId: z.string(),
  side: z.enum(["BUY", "SELL"]),
  type: z.string(),
  origQty: decimal,
  executedQty: decimal,
});

export type RawOrder = z.infer<typeof RawOrderSchema>;

/** A regular open order as reconciliation sees it (`symbol` as the engine names it), checked with zod. */
export function openOrderOf(symbol: string, info: unknown): ExchangeOpenOrder {
  const r = RawOpenOrderSchema.parse(info);
  return {
    symbol,
    clientOrderId: r.clientOrderId,
    exchangeOrderId: String(r.orderId),
    side: r.side === "BUY" ? "buy" : "sell",
    type: r.type,
    qty: Number(r.origQty),
    executedQty: Number(r.executedQty),
  };
}

/** Binance's error body inside ccxt's message, e.g. `binance {"code":-2010,"msg":"Duplicate order sent."}`. */
export function exchangeError(err: unknown): { code: number | null; msg: string; name: string } {
  const name = err instanceof Error ? err.constructor.name : "Error";
  const text = err instanceof Error ? err.message : String(err);
  const m = /"code":\s*(-?\d+),\s*"msg":\s*"([^"]*)"/.exec(text);
  return { code: m ? Number(m[1]) : null, msg: m ? m[2]! : text.slice(0, 300), name };
}

const UNKNOWN_OUTCOME = new Set(["RequestTimeout", "NetworkError", "ExchangeNotAvailable", "OnMaintenance", "BadResponse", "TimeoutError", "HttpTimeoutError", "NullResponse"]);
const NOT_SENT = new Set(["RateLimitExceeded", "DDoSProtection", "RateLimitedError"]);

/**
 * What an error of a placement means. A refusal by the exchange is final, nothing was placed; a rate
 * limit refused it before it executed; anything else (timeouts, 5xx, -1007, a dropped connection)
 * leaves the outcome unknown, to be resolved by querying the client order id.
 */
export function placementReport(err: unknown): BrokerReport {
  if (err instanceof RateLimitedError) return { kind: "not_sent", reason: err.message };
  const e = exchangeError(err);
  if (e.code === -2010 && /duplicate order/i.test(e.msg)) return { kind: "unknown", reason: "duplicate client order id: already placed" };
  // Binance: -1000 unknown error, -1001 disconnected, -1006 unexpected response, -1007 timeout, -1008
  // overloaded (the 5xx answers): "the execution status is unknown".
  if (e.code !== null && [-1000, -1001, -1006, -1007, -1008].includes(e.code)) return { kind: "unknown", reason: `${e.msg} (${e.code})` };
  if (e.code === -1003 || e.code === -1015 || NOT_SENT.has(e.name)) return { kind: "not_sent", reason: e.msg };
  if (UNKNOWN_OUTCOME.has(e.name) || e.code === null) return { kind: "unknown", reason: `${e.name}: ${e.msg}` };
  return { kind: "rejected", reason: e.msg, code: e.code };
}

/** What an error of a query or a cancel means: the order is missing, or nothing is known yet. */
export function lookupReport(err: unknown): BrokerReport {
  const e = exchangeError(err);
  if (e.code === -2013 || e.name === "OrderNotFound") return { kind: "not_found" };
  return { kind: "unknown", reason: `${e.name}: ${e.msg}` };
}

/** One execution as the position books it: an order answer's fill, or a trade row (its `id` as `tradeId`). */
export function fillOf(f: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number | string }, at: number): OrderFill {
  return { tradeId: String(f.tradeId), price: Number(f.price), qty: Number(f.qty), fee: Number(f.commission), feeAsset: f.commissionAsset, at };
}

export function viewOf(raw: RawOrder, fills: OrderFill[]): ExchangeOrderView {
  const status = raw.status === "PENDING_CANCEL" ? "NEW" : raw.status === "EXPIRED_IN_MATCH" ? "EXPIRED" : raw.status;
  return { exchangeOrderId: String(raw.orderId), status, executedQty: Number(raw.executedQty), fills, at: raw.updateTime ?? raw.transactTime ?? raw.time ?? 0 };
}

export interface CcxtBrokerOptions extends BinanceClientOptions {
  /** Called when the venue starts refusing us in a way an operator must know (418 ban, 451 stop); once per ban or stop across every client of the venue. */
  onAlert?: (reason: "banned" | "stopped", detail: string) => void;
}

/**
 * What the spot and the USD-M brokers share: the ccxt client on the venue's rate governor, markets loaded once before
 * a placement, the operator's alert on a ban, and every call answering a report, never an exception.
 */
export abstract class CcxtVenueBroker implements Broker {
  readonly venue: string;
  protected readonly client: BinanceClient;
  private readonly governorVenue: string;
  private markets: Promise<unknown> | null = null;
  private marketsFailed = false;

  constructor(private readonly opts: CcxtBrokerOptions) {
    this.client = createBinanceClient(opts);
    this.venue = opts.venue ?? this.client.id;
    this.governorVenue = opts.venue ?? binanceVenue(opts.market, opts.mode, opts.restUrl);
  }

  /** After every call: a ban or a legal stop the venue's governor now holds is reported to the operator (once per episode, by whoever sees it first). */
  protected watchAlert<T>(answer: T): T {
    const alert = governorFor(this.governorVenue).claimAlert(Date.now());
    if (alert) this.opts.onAlert?.(alert.reason, `${this.venue}: ${alert.detail}`);
    return answer;
  }

  /**
   * The markets, loaded once. ccxt keeps a failed load's rejected promise and hands it back to every later
   * `loadMarkets()`, so after a failure (a refusal while the venue is rate limited, a timeout) the next
   * attempt asks for a reload, or the broker would refuse every order for good.
   */
  private loaded(): Promise<unknown> {
    this.markets ??= this.client.loadMarkets(this.marketsFailed).catch((err: unknown) => {
      this.markets = null;
      this.marketsFailed = true;
      throw err;
    });
    return this.markets;
  }

  async place(order: OrderRecord): Promise<BrokerReport> {
    let refused: BrokerReport | null = null;
    try {
      await this.loaded();
    } catch (err) {
      refused = { kind: "not_sent", reason: `markets unavailable: ${exchangeError(err).msg}` };
    }
    return this.watchAlert(refused ?? (await this.placeOnce(order)));
  }

  async query(order: OrderRecord): Promise<BrokerReport> {
    return this.watchAlert(await this.queryOnce(order));
  }

  async cancel(order: OrderRecord): Promise<BrokerReport> {
    return this.watchAlert(await this.cancelOnce(order));
  }

  async balances(): Promise<Record<string, ExchangeBalance>> {
    try {
      return await this.balancesOnce();
    } finally {
      this.watchAlert(null);
    }
  }

  async openOrders(symbols: readonly string[]): Promise<ExchangeOpenOrder[]> {
    try {
      return await this.openOrdersOnce(symbols);
    } finally {
      this.watchAlert(null);
    }
  }

  /** Markets are loaded. */
  protected abstract placeOnce(order: OrderRecord): Promise<BrokerReport>;
  protected abstract queryOnce(order: OrderRecord): Promise<BrokerReport>;
  protected abstract cancelOnce(order: OrderRecord): Promise<BrokerReport>;
  protected abstract balancesOnce(): Promise<Record<string, ExchangeBalance>>;
  protected abstract openOrdersOnce(symbols: readonly string[]): Promise<ExchangeOpenOrder[]>;

  /** A regular order by its client id or its id (`symbol` as ccxt names the market), with its executions. */
  protected async orderReport(symbol: string, by: { origClientOrderId: string } | { orderId: string }): Promise<BrokerReport> {
    let raw: unknown;
    try {
      raw = "orderId" in by ? (await this.client.fetchOrder(by.orderId, symbol)).info : (await this.client.fetchOrder(undefined as unknown as string, symbol, by)).info;
    } catch (err) {
      return lookupReport(err);
    }
    const parsed = RawOrderSchema.safeParse(raw);
    if (!parsed.success) return { kind: "unknown", reason: `unreadable order answer: ${parsed.error.issues[0]?.message ?? "?"}` };
    let fills: OrderFill[] = [];
    if (Number(parsed.data.executedQty) > 0) {
      try {
        fills = await this.trades(symbol, String(parsed.data.orderId));
      } catch (err) {
        return { kind: "unknown", reason: `trades unavailable: ${exchangeError(err).msg}` };
      }
    }
    return { kind: "order", order: viewOf(parsed.data, fills) };
  }

  /** The executions of one order (`symbol` as ccxt names the market), each checked with zod. */
  protected async trades(symbol: string, orderId: string): Promise<OrderFill[]> {
    const rows = await this.client.fetchMyTrades(symbol, undefined, undefined, { orderId });
    const out: OrderFill[] = [];
    for (const t of rows) {
      const r = RawTradeSchema.safeParse(t.info);
      if (!r.success || String(r.data.orderId) !== orderId) continue;
      out.push(fillOf({ ...r.data, tradeId: r.data.id }, r.data.time));
    }
    return out;
  }
}

/**
 * The exchange broker on ccxt's Binance spot class. Amounts and prices are rounded to the market's steps by ccxt.
 * Every answer is checked with zod before it is used.
 */
export class CcxtBroker extends CcxtVenueBroker {
  protected async placeOnce(order: OrderRecord): Promise<BrokerReport> {
    let raw: unknown;
    try {
      const params = { clientOrderId: order.clientOrderId, newOrderRespType: "FULL" };
      if (order.type === "stop_loss_limit") {
        const amount = Number(this.client.amountToPrecision(order.symbol, order.qty!));
        const price = Number(this.client.priceToPrecision(order.symbol, order.limitPrice!));
        const stopPrice = this.client.priceToPrecision(order.symbol, order.stopPrice!);
        raw = (await this.client.createOrder(order.symbol, "STOP_LOSS_LIMIT", "sell", amount, price, { ...params, stopPrice, timeInForce: "GTC" })).info;
      } else if (order.side === "buy") {
        raw = (
          await this.client.createOrder(order.symbol, "market", "buy", undefined as unknown as number, undefined, {
            ...params,
            quoteOrderQty: this.client.costToPrecision(order.symbol, order.quoteQty!),
          })
        ).info;
      } else {
        const amount = Number(this.client.amountToPrecision(order.symbol, order.qty!));
        raw = (await this.client.createOrder(order.symbol, "market", "sell", amount, undefined, params)).info;
      }
    } catch (err) {
      return placementReport(err);
    }
    const parsed = RawOrderSchema.safeParse(raw);
    // An answer we cannot read says nothing certain about the order: ask for it by its id.
    if (!parsed.success) return { kind: "unknown", reason: `unreadable order answer: ${parsed.error.issues[0]?.message ?? "?"}` };
    const at = parsed.data.transactTime ?? 0;
    return {
      kind: "order",
      order: viewOf(
        parsed.data,
        (parsed.data.fills ?? []).map((f) => fillOf(f, at)),
      ),
    };
  }

  protected async queryOnce(order: OrderRecord): Promise<BrokerReport> {
    return this.orderReport(order.symbol, { origClientOrderId: order.clientOrderId });
  }

  protected async cancelOnce(order: OrderRecord): Promise<BrokerReport> {
    try {
      await this.client.cancelOrder(undefined as unknown as string, order.symbol, { origClientOrderId: order.clientOrderId });
    } catch (err) {
      const e = exchangeError(err);
      // -2011: nothing to cancel (filled, already cancelled, or never placed): the query says which.
      if (e.code !== -2011 && e.name !== "OrderNotFound") return { kind: "unknown", reason: `cancel failed: ${e.msg}` };
    }
    return this.queryOnce(order);
  }

  protected async balancesOnce(): Promise<Record<string, ExchangeBalance>> {
    const b = await this.client.fetchBalance();
    const raw = z.object({ balances: z.array(z.object({ asset: z.string(), free: decimal, locked: decimal })) }).parse(b.info);
    const out: Record<string, ExchangeBalance> = {};
    for (const x of raw.balances) out[x.asset] = { free: Number(x.free), locked: Number(x.locked) };
    return out;
  }

  protected async openOrdersOnce(symbols: readonly string[]): Promise<ExchangeOpenOrder[]> {
    const out: ExchangeOpenOrder[] = [];
    for (const symbol of symbols) {
      for (const o of await this.client.fetchOpenOrders(symbol)) {
        out.push(openOrderOf(symbol, o.info));
      }
    }
    return out;
  }
}
