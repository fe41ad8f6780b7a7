import { bookSide, committedCash, type AccountBook } from "../account/ledger";
import { baseAssetOf } from "../util/symbols";

/** One order a position still expects the exchange to hold (or to have answered). */
export interface ExpectedOrder {
  positionId: string;
  symbol: string;
  clientOrderId: string;
  status: string;
  purpose: "entry" | "exit" | "stop";
}

export interface ReconcileInput {
  quote: string;
  /** Every symbol the portfolio trades: a base asset the book holds none of is checked too. */
  symbols: readonly string[];
  /** Exchange totals (free + locked) per asset when the book started: what the engine does not own. */
  baseline: Record<string, number>;
  /**
   * Per asset; on a futures portfolio the quote is the spot balance plus the USD-M wallet, and `perpKey(symbol)` is the
   * venue's signed position amount of the symbol's perpetual.
   */
  balances: Record<string, { free: number; locked: number }>;
  book: { cash: number; initialCash: number; closedCount: number; positions: ReconcileBookPosition[] };
  /** Symbols whose perpetuals the portfolio trades (a futures market): their venue positions are checked too. */
  perps?: readonly string[];
  /** Orders the positions consider working or unresolved. */
  expected: ExpectedOrder[];
  openOrders: { symbol: string; clientOrderId: string }[];
  /** The last price per symbol, to value a base difference. */
  prices: Record<string, number>;
  /** Client order ids of this portfolio start with it. */
  ownPrefix: string;
  /** Differences below these are rounding and dust, not a disagreement. */
  tolerance: { quote: number; dustNotional: number };
}

export interface ReconcileBookPosition {
  id: string;
  symbol: string;
  status: "pending" | "open";
  qty: number;
  /** Absent: spot (a long). */
  venue?: "spot" | "futures";
  side?: "long" | "short";
  /** A futures position's isolated margin with its funding: what of the quote the book holds in it beyond its cash. */
  margin?: number;
}

/** The balances key of a symbol's perpetual position (signed: a short is negative), e.g. "BTC:PERP". */
export function perpKey(symbol: string): string {
  return `${baseAssetOf(symbol)}:PERP`;
}

export type Difference =
  | { kind: "unknown_open_order"; symbol: string; clientOrderId: string }
  | { kind: "order_not_open"; positionId: string; clientOrderId: string; status: string }
  | { kind: "base_balance"; asset: string; exchange: number; book: number; value: number }
  | { kind: "perp_position"; symbol: string; exchange: number; book: number; value: number }
  | { kind: "quote_balance"; exchange: number; book: number };

export interface ReconcileResult {
  differences: Difference[];
  /** Positions to ask for their orders now: the exchange knows something they have not heard yet. */
  repair: string[];
  /** Set when a difference has no clear truth: the account goes to REDUCING (exits only). */
  reduce: string | null;
}

/**
 * Compares the exchange's truth with the book. A working order the exchange no longer lists is a fill
 * or a cancel the position has not heard of: repaired by asking the position to query it. Balances that
 * differ while orders are in flight are a moment between an execution and its report: asked again.
 * What remains (an order nobody placed, balances that differ with nothing in flight) has no clear
 * truth: nothing is overwritten, the account reduces. A perpetual position the venue holds otherwise than the book
 * (liquidated there) is both: its positions are asked to read the venue, and the account reduces.
 */
export function reconcile(x: ReconcileInput): ReconcileResult {
  const differences: Difference[] = [];
  const repair = new Set<string>();
  const expected = new Map(x.expected.map((o) => [o.clientOrderId, o]));
  const open = new Set(x.openOrders.map((o) => o.clientOrderId));

  for (const o of x.openOrders) {
    if (o.clientOrderId.startsWith(x.ownPrefix) && !expected.has(o.clientOrderId)) differences.push({ kind: "unknown_open_order", symbol: o.symbol, clientOrderId: o.clientOrderId });
  }
  for (const o of x.expected) {
    if ((o.status === "submitted" || o.status === "partially_filled") && !open.has(o.clientOrderId)) {
      differences.push({ kind: "order_not_open", positionId: o.positionId, clientOrderId: o.clientOrderId, status: o.status });
      repair.add(o.positionId);
    }
    if (o.status === "sent" || o.status === "unknown") repair.add(o.positionId);
  }
  // A resting protective stop is not in flight; anything being sent, executed or resolved is.
  const inFlight = x.expected.some((o) => !(o.purpose === "stop" && o.status === "submitted"));

  const total = (asset: string) => (x.balances[asset]?.free ?? 0) + (x.balances[asset]?.locked ?? 0);
  const held = new Map<string, { qty: number; symbol: string }>();
  for (const symbol of x.symbols) held.set(baseAssetOf(symbol), { qty: 0, symbol });
  for (const p of x.book.positions) {
    if (p.venue === "futures") continue;
    const asset = baseAssetOf(p.symbol);
    const h = held.get(asset) ?? { qty: 0, symbol: p.symbol };
    if (p.status === "open") h.qty += p.qty;
    held.set(asset, h);
  }
  const dustAllowed = x.tolerance.dustNotional * (1 + x.book.closedCount);
  for (const [asset, h] of held) {
    const exchange = total(asset) - (x.baseline[asset] ?? 0);
    const value = Math.abs(exchange - h.qty) * (x.prices[h.symbol] ?? 0);
    if (value > dustAllowed) differences.push({ kind: "base_balance", asset, exchange, book: h.qty, value });
  }
  for (const symbol of x.perps ?? []) {
    const key = perpKey(symbol);
    let book = 0;
    for (const p of x.book.positions) if (p.venue === "futures" && p.status === "open" && p.symbol === symbol) book += p.side === "short" ? -p.qty : p.qty;
    const exchange = total(key) - (x.baseline[key] ?? 0);
    const value = Math.abs(exchange - book) * (x.prices[symbol] ?? 0);
    if (value > dustAllowed) {
      differences.push({ kind: "perp_position", symbol, exchange, book, value });
      // Its positions ask the venue what happened (a liquidation closes them); the account reduces meanwhile.
      for (const p of x.book.positions) if (p.venue === "futures" && p.symbol === symbol) repair.add(p.id);
    }
  }
  const quoteExchange = total(x.quote) - (x.baseline[x.quote] ?? 0);
  const quoteBook = bookQuote(x.book) - x.book.initialCash;
  if (Math.abs(quoteExchange - quoteBook) > x.tolerance.quote) differences.push({ kind: "quote_balance", exchange: quoteExchange, book: quoteBook });

  const unclear = differences.filter((d) => d.kind === "unknown_open_order" || (d.kind !== "order_not_open" && !inFlight));
  const reduce = unclear.length > 0 ? unclear.map(describe).join("; ") : null;
  return { differences, repair: [...repair], reduce };
}

/** The book as reconciliation reads it: each position's venue and side, and what a futures one holds as margin (its funding in). */
export function reconcileBook(b: AccountBook, initialCash: number): ReconcileInput["book"] {
  const positions = Object.values(b.positions).map((p) => {
    const { side, venue } = bookSide(p);
    return { id: p.id, symbol: p.symbol, status: p.status, qty: p.qty, venue, side, ...(venue === "futures" ? { margin: committedCash(p) + (p.funding ?? 0) } : {}) };
  });
  return { cash: b.cash, initialCash, closedCount: b.closedCount, positions };
}

/**
 * What the exchange holds beyond the book, the baseline every later pass subtracts: the venue's `totals` less the book's
 * quote change and its open positions (a perpetual's signed amount under `perpKey`).
 */
export function exchangeBaseline(totals: Record<string, number>, book: ReconcileInput["book"], quote: string): Record<string, number> {
  const baseline = { ...totals, [quote]: (totals[quote] ?? 0) - (bookQuote(book) - book.initialCash) };
  for (const p of book.positions) {
    const key = p.venue === "futures" ? perpKey(p.symbol) : baseAssetOf(p.symbol);
    baseline[key] = (baseline[key] ?? 0) - (p.side === "short" ? -p.qty : p.qty);
  }
  return baseline;
}

/** The quote the book holds on the venues: its cash, and what its open futures positions hold as margin (the USD-M wallet keeps it). */
export function bookQuote(book: Pick<ReconcileInput["book"], "cash" | "positions">): number {
  let q = book.cash;
  for (const p of book.positions) if (p.venue === "futures" && p.status === "open") q += p.margin ?? 0;
  return q;
}

function describe(d: Difference): string {
  switch (d.kind) {
    case "unknown_open_order":
      return `open order ${d.clientOrderId} on ${d.symbol} that no position placed`;
    case "order_not_open":
      return `order ${d.clientOrderId} is ${d.status} in the book but not open on the exchange`;
    case "base_balance":
      return `${d.asset}: exchange holds ${d.exchange} for the book's ${d.book} (${d.value.toFixed(2)} in quote)`;
    case "perp_position":
      return `${d.symbol} perpetual: exchange holds ${d.exchange} for the book's ${d.book} (${d.value.toFixed(2)} in quote)`;
    case "quote_balance":
      return `quote moved ${d.exchange.toFixed(8)} on the exchange, ${d.book.toFixed(8)} in the book`;
  }
}
