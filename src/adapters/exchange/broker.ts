import type { BrokerReport } from "../../lib/execution/exchange-orders";
import type { OrderRecord } from "../../lib/execution/order";
import type { VenueActivity } from "../../lib/execution/venue-futures";

/** An order resting on the exchange, as reconciliation sees it. */
export interface ExchangeOpenOrder {
  symbol: string;
  clientOrderId: string;
  exchangeOrderId: string;
  side: "buy" | "sell";
  type: string;
  qty: number;
  executedQty: number;
}

export interface ExchangeBalance {
  free: number;
  locked: number;
}

/**
 * What a PositionActor and the account need of an exchange. Every method answers with a value, never
 * an exception, for anything the exchange or the network can do: a refusal, an unknown outcome, a
 * missing order are reports the pure core resolves (src/lib/execution/exchange-orders.ts).
 */
export interface Broker {
  readonly venue: string;
  /** Sends the order under its client order id; never sent twice by the caller (an unknown is queried). */
  place(order: OrderRecord): Promise<BrokerReport>;
  /** The order by its client order id, with every execution it had (trade ids, commissions). */
  query(order: OrderRecord): Promise<BrokerReport>;
  /** Cancels the order by its client order id; answers the order as it ended (cancelled, or filled meanwhile). */
  cancel(order: OrderRecord): Promise<BrokerReport>;
  balances(): Promise<Record<string, ExchangeBalance>>;
  openOrders(symbols: readonly string[]): Promise<ExchangeOpenOrder[]>;
  /**
   * USD-M only: what the venue did to the symbol's perpetual position since `since` beyond the orders whose exchange ids
   * are `ownOrderIds`: its signed amount now, the funding it settled, and (unless `lookForClose` is false) a close by its
   * own orders (liquidation, ADL, a delisting's settlement).
   */
  venueActivity?(symbol: string, since: number, ownOrderIds: readonly string[], lookForClose?: boolean): Promise<VenueActivity>;
}
