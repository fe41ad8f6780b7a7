import type { Broker } from "../../adapters/exchange/broker";
import type { Env } from "../../env";
import type { AccountBook } from "../../lib/account/ledger";
import { isFinal } from "../../lib/execution/order";
import { reconcile, type ExpectedOrder, type ReconcileResult } from "../../lib/execution/reconcile";
import { baseAssetOf } from "../../lib/util/symbols";
import { actorName } from "../names";

export interface ReconciliationContext {
  env: Env;
  portfolio: string;
  venue: string;
  symbols: readonly string[];
  quote: string;
  initialCash: number;
  broker: Broker;
  dustNotional: number;
}

/** Exchange totals (free + locked) of the quote and every base asset the portfolio trades. */
export async function exchangeTotals(broker: Broker, symbols: readonly string[], quote: string): Promise<Record<string, number>> {
  const balances = await broker.balances();
  const out: Record<string, number> = {};
  for (const asset of [quote, ...symbols.map(baseAssetOf)]) out[asset] = (balances[asset]?.free ?? 0) + (balances[asset]?.locked ?? 0);
  return out;
}

/**
 * One pass of reconciliation: the exchange's balances and open orders, and every live position's
 * working orders (asked of the positions), against the book (read by the caller after these awaits).
 * Returns the differences and what to do; the caller repairs, or reduces, in its own synchronous step.
 */
export async function gatherAndReconcile(ctx: ReconciliationContext, baseline: Record<string, number>, book: () => AccountBook): Promise<ReconcileResult> {
  const balances = await ctx.broker.balances();
  const openOrders = await ctx.broker.openOrders(ctx.symbols);
  const expected: ExpectedOrder[] = [];
  for (const p of Object.values(book().positions)) {
    const state = await ctx.env.POSITION.getByName(actorName.position(ctx.portfolio, p.id)).status();
    for (const o of state?.orders ?? [])
      if (!isFinal(o) && o.status !== "intent") expected.push({ positionId: p.id, symbol: o.symbol, clientOrderId: o.clientOrderId, status: o.status, purpose: o.purpose });
  }
  const prices: Record<string, number> = {};
  for (const symbol of ctx.symbols) {
    const q = await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, symbol))
      .quote()
      .catch(() => null);
    if (q?.price) prices[symbol] = q.price;
  }
  const b = book();
  for (const p of Object.values(b.positions)) prices[p.symbol] ??= p.lastPrice || p.entryPrice;
  return reconcile({
    quote: ctx.quote,
    symbols: ctx.symbols,
    baseline,
    balances,
    book: { cash: b.cash, initialCash: ctx.initialCash, closedCount: b.closedCount, positions: Object.values(b.positions).map((p) => ({ id: p.id, symbol: p.symbol, status: p.status, qty: p.qty })) },
    expected,
    openOrders,
    prices,
    ownPrefix: `${ctx.portfolio}-d`.slice(0, 19),
    tolerance: { quote: 0.01, dustNotional: ctx.dustNotional },
  });
}
