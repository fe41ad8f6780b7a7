import { isFinal, isLive, type OrderFill, type OrderRecord } from "./order";
import { changedPosition, closePnl, replaceOrder, type PositionState } from "./position";

/** The exchange's view of one order: its status and every execution it reported, with trade ids. */
export interface ExchangeOrderView {
  exchangeOrderId: string;
  status: "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED" | "REJECTED";
  /** Base quantity executed so far, as the exchange counts it. */
  executedQty: number;
  fills: OrderFill[];
  at: number;
}

/** What a broker call came back with. Only `order` and `rejected` are certain; the rest is resolved by query. */
export type BrokerReport =
  | { kind: "order"; order: ExchangeOrderView }
  /** Refused for good (filters, balance, a stop that would trigger now): nothing was placed. */
  | { kind: "rejected"; reason: string; code: number | null }
  /** The exchange has no order with this client id. */
  | { kind: "not_found" }
  /** The request may or may not have executed (timeout, 5xx, -1007, a lost answer). */
  | { kind: "unknown"; reason: string }
  /** Refused before it left (rate governor, 429/418): not placed, try again later. */
  | { kind: "not_sent"; reason: string };

export interface AssetPair {
  base: string;
  quote: string;
}

export interface ExchangeExecutionConfig {
  /** A sent order the exchange does not know after this long never reached it (well past recvWindow). */
  notFoundGraceMs: number;
  /** Below this notional (quote), what a sell leaves behind is dust, not a position. */
  dustNotional: number;
}

/** Totals of an order's executions: gross base quantity, quote value, and fees valued in quote. */
export function fillTotals(fills: readonly OrderFill[], assets: AssetPair): { qty: number; quote: number; feeQuote: number; feeBase: number } {
  let qty = 0;
  let quote = 0;
  let feeQuote = 0;
  let feeBase = 0;
  for (const f of fills) {
    qty += f.qty;
    quote += f.qty * f.price;
    if (f.feeAsset === assets.base) {
      feeBase += f.fee;
      feeQuote += f.fee * f.price;
    } else if (f.feeAsset === assets.quote) feeQuote += f.fee;
    // A fee in a third asset (BNB) is not valued: it does not come out of this position's assets.
  }
  return { qty, quote, feeQuote, feeBase };
}

/** Fills of `next` not already in `known`, by trade id (duplicate reports add nothing). */
function mergeFills(known: readonly OrderFill[], next: readonly OrderFill[]): OrderFill[] {
  const seen = new Set(known.map((f) => f.tradeId));
  const out = [...known];
  for (const f of next) {
    if (seen.has(f.tradeId)) continue;
    seen.add(f.tradeId);
    out.push(f);
  }
  return out;
}

/** Marks an intent as sent, in the same step that issues the request (its outcome is unknown until answered). */
export function markSent(state: PositionState, cid: string, now: number): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || order.status !== "intent") return state;
  return replaceOrder(state, { ...order, status: "sent", sentAt: now, submittedAt: order.submittedAt ?? now });
}

/**
 * The placement of `cid` answered at `now` (or failed: lost answer, timeout): its request was signed by then, so the
 * grace before "not found" ends it runs from now. Applied in the same step as the answer's report.
 */
export function markAnswered(state: PositionState, cid: string, now: number): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || isFinal(order) || (order.sentAt ?? 0) >= now) return state;
  return replaceOrder(state, { ...order, sentAt: now });
}

/**
 * A position loaded by a new actor instance: an order still `sent` lost its placement's answer to a crash or an
 * eviction mid-request, which was signed before `now` at the latest. Its grace runs from `now`.
 */
export function resumeUnanswered(state: PositionState, now: number): PositionState {
  let next = state;
  for (const o of state.orders) if (o.status === "sent" && (o.sentAt ?? 0) < now) next = replaceOrder(next, { ...o, sentAt: now });
  return next;
}

/** Asks the exchange to cancel a working order (the actor sends the cancel). */
export function requestCancel(state: PositionState, cid: string, why: string): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || isFinal(order) || order.cancelRequested) return state;
  if (order.status === "intent") return replaceOrder(state, { ...order, status: "cancelled", rejectReason: `cancelled before sending: ${why}` });
  return replaceOrder(state, { ...order, cancelRequested: true, lastError: null });
}

/**
 * Applies what the broker reported for order `cid`. Fills are merged by trade id; the order's status
 * follows the exchange's; the position moves when an order ends (entry filled → open, exit or stop
 * filled → closed, an entry that never executed → failed). Idempotent: the same report twice changes
 * nothing the second time.
 */
export function applyBrokerReport(state: PositionState, cid: string, report: BrokerReport, now: number, assets: AssetPair, cfg: ExchangeExecutionConfig): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || isFinal(order)) return state;
  switch (report.kind) {
    case "not_sent":
      return replaceOrder(state, { ...order, status: "intent", lastError: report.reason });
    case "unknown":
      return replaceOrder(state, { ...order, status: "unknown", lastError: report.reason });
    case "rejected":
      return orderEnded(state, { ...order, status: "rejected", rejectReason: report.code === null ? report.reason : `${report.reason} (${report.code})` }, assets, cfg);
    case "not_found": {
      const sentAt = order.sentAt ?? order.submittedAt ?? now;
      if (now - sentAt < cfg.notFoundGraceMs) return replaceOrder(state, { ...order, status: "unknown", lastError: "not found yet" });
      return orderEnded(state, { ...order, status: "rejected", rejectReason: "never reached the exchange (not found by its client id)" }, assets, cfg);
    }
    case "order":
      return applyView(state, order, report.order, now, assets, cfg);
  }
}

function applyView(state: PositionState, order: OrderRecord, view: ExchangeOrderView, now: number, assets: AssetPair, cfg: ExchangeExecutionConfig): PositionState {
  const fills = mergeFills(order.fills ?? [], view.fills);
  const t = fillTotals(fills, assets);
  // The exchange counted executions we have no trade for yet: not final until the trades are in.
  const complete = t.qty >= view.executedQty * (1 - 1e-9);
  const ended = view.status === "FILLED" || view.status === "CANCELED" || view.status === "EXPIRED" || view.status === "REJECTED";
  let status: OrderRecord["status"] = t.qty > 0 ? "partially_filled" : "submitted";
  if (ended && complete) status = view.status === "FILLED" ? "filled" : view.status === "REJECTED" && t.qty === 0 ? "rejected" : "cancelled";
  const next: OrderRecord = {
    ...order,
    status,
    exchangeOrderId: view.exchangeOrderId,
    fills,
    filledQty: t.qty,
    fillPrice: t.qty > 0 ? t.quote / t.qty : null,
    fee: t.feeQuote,
    filledAt: fills.length > 0 ? Math.max(...fills.map((f) => f.at)) : null,
    checkedAt: now,
    lastError: null,
  };
  if (status === "filled" || status === "cancelled" || status === "rejected") return orderEnded(state, next, assets, cfg);
  const unchanged = order.status === next.status && (order.fills?.length ?? 0) === fills.length && order.exchangeOrderId === next.exchangeOrderId;
  return unchanged ? replaceOrder(state, { ...order, checkedAt: now }) : replaceOrder(state, next);
}

/** An order reached its final state: the position follows. */
function orderEnded(state: PositionState, order: OrderRecord, assets: AssetPair, cfg: ExchangeExecutionConfig): PositionState {
  let next = replaceOrder(state, order);
  const executed = fillTotals(order.fills ?? [], assets);
  if (order.purpose === "entry") {
    if (executed.qty <= 0) return changedPosition(next, { status: "failed", exitReason: `entry ${order.status}: ${order.rejectReason ?? "nothing executed"}` });
    const qty = executed.qty - executed.feeBase;
    const price = executed.quote / executed.qty;
    return changedPosition(next, { status: "open", qty, entryPrice: price, entryFee: executed.feeQuote, openedAt: order.filledAt ?? state.createdAt, peakPrice: price });
  }
  // An exit or a protective stop (a short's buy back): the position is closed once what is left is dust.
  const sold = soldSoFar(next, assets);
  const left = next.qty - sold.qty;
  const price = sold.qty > 0 ? sold.quote / sold.qty : null;
  if (sold.qty > 0 && left * (price ?? next.entryPrice) < cfg.dustNotional) {
    for (const o of next.orders) {
      if (o.status === "intent") next = replaceOrder(next, { ...o, status: "cancelled", rejectReason: "position already closed" });
    }
    const pnl = closePnl(next, sold.quote, sold.feeQuote);
    const byStop = order.purpose === "stop";
    return changedPosition(next, {
      status: "closed",
      exitPrice: price,
      exitFee: sold.feeQuote,
      closedAt: order.filledAt,
      pnl,
      ...(byStop ? { exitKind: "exchange_stop", exitReason: `protective stop at ${order.stopPrice} filled on the exchange` } : {}),
    });
  }
  // Not (fully) executed: an exit asked again later finds the position open; a stop is planned anew.
  if (order.purpose === "exit" && next.status === "exiting") return changedPosition(next, { status: "open" });
  return next;
}

/** Everything sold so far by the position's exits and stops. */
export function soldSoFar(state: PositionState, assets: AssetPair): { qty: number; quote: number; feeQuote: number } {
  let qty = 0;
  let quote = 0;
  let feeQuote = 0;
  for (const o of state.orders) {
    if (o.purpose === "entry" || !o.fills) continue;
    const t = fillTotals(o.fills, assets);
    qty += t.qty;
    quote += t.quote;
    feeQuote += t.feeQuote;
  }
  return { qty, quote, feeQuote };
}

/** What the broker must do for this position now, in order: cancels first, then placements, then queries. */
export type OrderCommand = { kind: "place" | "query" | "cancel"; order: OrderRecord };

/**
 * `placing`: orders whose placement request is in flight in this actor instance; they get no command until it
 * answers (a query meanwhile could find nothing yet and end an order that is on its way).
 */
export function orderCommands(state: PositionState, wallNow: number, poll: { workingMs: number; stopMs: number }, placing: ReadonlySet<string> = new Set()): OrderCommand[] {
  const cancels: OrderCommand[] = [];
  const places: OrderCommand[] = [];
  const queries: OrderCommand[] = [];
  const stopLive = state.orders.some((o) => o.purpose === "stop" && isLive(o));
  for (const o of state.orders) {
    if (placing.has(o.clientOrderId)) continue;
    if (o.status === "intent") {
      // A sell must wait for the protective stop to release the base it locks.
      if (o.purpose === "exit" && stopLive) continue;
      places.push({ kind: "place", order: o });
    } else if (o.status === "sent" || o.status === "unknown") {
      queries.push({ kind: "query", order: o });
    } else if (o.status === "submitted" || o.status === "partially_filled") {
      if (o.cancelRequested) cancels.push({ kind: "cancel", order: o });
      else if (wallNow - (o.checkedAt ?? o.sentAt ?? 0) >= (o.purpose === "stop" ? poll.stopMs : poll.workingMs)) queries.push({ kind: "query", order: o });
    }
  }
  return [...cancels, ...places, ...queries];
}

/**
 * An operator's kill switch on the exchange: every order the exchange may still execute is cancelled
 * there, and the position places no new protective stop until released (`hold` cleared).
 */
export function holdAndCancel(state: PositionState, reason: string): PositionState {
  let next = changedPosition(state, { hold: reason });
  for (const o of next.orders) if (!isFinal(o)) next = requestCancel(next, o.clientOrderId, reason);
  return next;
}

/** Whether any order of the position still needs the broker (and so the actor's order timer). */
export function needsBroker(state: PositionState): boolean {
  return state.orders.some((o) => o.status === "intent" || isLive(o));
}
