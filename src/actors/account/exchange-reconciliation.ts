import type { VenuesBroker } from "../../adapters/exchange/broker-from-env";
import type { Env } from "../../env";
import type { AccountBook } from "../../lib/account/ledger";
import { isFinal } from "../../lib/execution/order";
import { exchangeBaseline, perpKey, reconcile, reconcileBook, type ExpectedOrder, type ReconcileResult } from "../../lib/execution/reconcile";
import { baseAssetOf } from "../../lib/util/symbols";
import { actorName } from "../names";

export interface ReconciliationContext {
  env: Env;
  portfolio: string;
  venue: string;
  symbols: readonly string[];
  quote: string;
  initialCash: number;
  broker: VenuesBroker;
  dustNotional: number;
  /** Symbols whose perpetuals the portfolio trades (a futures market); empty on spot. */
  perps: readonly string[];
}

/** Exchange totals (free + locked) of the quote, every base asset the portfolio trades and each traded perpetual's position. */
export async function exchangeTotals(broker: VenuesBroker, symbols: readonly string[], quote: string, perps: readonly string[]): Promise<Record<string, number>> {
  const balances = await broker.balances();
  const out: Record<string, number> = {};
  for (const asset of [quote, ...symbols.map(baseAssetOf), ...perps.map(perpKey)]) out[asset] = (balances[asset]?.free ?? 0) + (balances[asset]?.locked ?? 0);
  return out;
}

/** Every order the book's positions consider working or unresolved, asked of the positions. */
async function expectedOrders(ctx: ReconciliationContext, book: AccountBook): Promise<ExpectedOrder[]> {
  const expected: ExpectedOrder[] = [];
  for (const p of Object.values(book.positions)) {
    const state = await ctx.env.POSITION.getByName(actorName.position(ctx.portfolio, p.id)).status();
    for (const o of state?.orders ?? [])
      if (!isFinal(o) && o.status !== "intent") expected.push({ positionId: p.id, symbol: o.symbol, clientOrderId: o.clientOrderId, status: o.status, purpose: o.purpose });
  }
  return expected;
}

/** Nothing between the venue and the book: no entry waits for its fill, and no order but a resting stop may execute. */
async function quiet(ctx: ReconciliationContext, book: AccountBook): Promise<boolean> {
  if (Object.values(book.positions).some((p) => p.status !== "open")) return false;
  return (await expectedOrders(ctx, book)).every((o) => o.purpose === "stop" && o.status === "submitted");
}

/**
 * What the exchange holds beyond the book (the baseline every later pass subtracts): its totals less the book's quote
 * change and open positions. Taken only at a quiet moment, with the book unchanged across the venue's answer: an order
 * executing meanwhile would be on one side only. Null when the moment was not quiet (the next pass tries again). The
 * first pass runs when the account starts, before any position: what the venue did to a position before it (a
 * liquidation of an earlier run's) would be taken for the engine's.
 */
export async function takeBaseline(ctx: ReconciliationContext, book: () => AccountBook): Promise<Record<string, number> | null> {
  const before = book();
  if (!(await quiet(ctx, before))) return null;
  const totals = await exchangeTotals(ctx.broker, ctx.symbols, ctx.quote, ctx.perps);
  if (book() !== before || !(await quiet(ctx, before))) return null;
  return exchangeBaseline(totals, reconcileBook(before, ctx.initialCash), ctx.quote);
}

/**
 * One pass of reconciliation: the exchange's balances and open orders, and every live position's
 * working orders (asked of the positions), against the book (read by the caller after these awaits).
 * Returns the differences and what to do; the caller repairs, or reduces, in its own synchronous step.
 */
export async function gatherAndReconcile(ctx: ReconciliationContext, baseline: Record<string, number>, book: () => AccountBook): Promise<ReconcileResult> {
  const balances = await ctx.broker.balances();
  const openOrders = await ctx.broker.openOrders(ctx.symbols);
  const expected = await expectedOrders(ctx, book());
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
    book: reconcileBook(b, ctx.initialCash),
    perps: ctx.perps,
    expected,
    openOrders,
    prices,
    ownPrefix: `${ctx.portfolio}-d`.slice(0, 19),
    tolerance: { quote: 0.01, dustNotional: ctx.dustNotional },
  });
}
