import type { ExitConfig } from "../config";
import { checkSafety, checkTimeStop } from "../exits/safety";
import { orderIntent, type Fill, type OrderRecord } from "./order";
import type { ReviewOutcome } from "../exits/position-evaluator";
import { bankruptcyPrice, fundingPayment, isolatedMargin, liquidates, liquidationPrice } from "../futures/margin";
import type { PositionSide, Venue } from "../futures/side";

export type PositionStatus = "pending_entry" | "open" | "exiting" | "closed" | "failed";

export interface PositionState {
  id: string;
  portfolio: string;
  symbol: string;
  decisionId: string;
  /** The agent or decider that asked for the entry; the learner credits it. */
  agent: string;
  entryReason: string;
  status: PositionStatus;
  requestedNotional: number;
  orders: OrderRecord[];
  qty: number;
  entryPrice: number;
  entryFee: number;
  openedAt: number | null;
  /** The most favourable price since the entry: the highest for a long, the lowest for a short. */
  peakPrice: number;
  lastPrice: number | null;
  lastPriceAt: number | null;
  exitReason: string | null;
  exitKind: string | null;
  exitPrice: number | null;
  exitFee: number;
  closedAt: number | null;
  pnl: number | null;
  createdAt: number;
  entryContext: EntryContext | null;
  /** Engine time of the last layer-2 review, and how many there were. */
  lastReviewAt: number | null;
  reviews: number;
  /** Set by an operator's kill switch: no new protective stop is placed while it holds. */
  hold?: string | null;
  /** Absent on positions stored before shorts and futures: a spot long. */
  side?: PositionSide;
  venue?: Venue;
  /** Futures: the leverage and the maintenance margin rate the position was opened with (its liquidation price follows). */
  leverage?: number;
  maintenanceMarginRate?: number;
  /** Futures: the funding settled into the position so far (+ received, − paid), and the time of the last settlement. */
  funding?: number;
  lastFundingAt?: number | null;
  /** Futures: every settlement applied, with the rate and the mark price it was charged at. */
  fundingPayments?: FundingPayment[];
  /**
   * A leg of a position group (the funding carry: spot long + perpetual short), by the group's id. A leg answers to its
   * group, not to its own price: no hard, trailing or take-profit stop and no directional review (the pair is
   * market-neutral); the time stop and the venue's liquidation still apply, and the account closes its partner with it.
   */
  group?: string;
}

/** One funding settlement of a position: −side × rate × qty × markPrice, marked at the price of `markAt`. */
export interface FundingPayment {
  at: number;
  rate: number;
  markPrice: number;
  /** The time of the price the settlement was marked at (the first price at which the settlement was known). */
  markAt: number;
  amount: number;
}

/** The futures terms a position opens with. */
export interface FuturesTerms {
  side: PositionSide;
  leverage: number;
  maintenanceMarginRate: number;
}

/** The market when the position was entered, which its reviews compare against. */
export interface EntryContext {
  regime: "trending" | "ranging" | null;
  atrPct: number | null;
  momentum: number | null;
  /** The learner's regime key at entry (e.g. "trending_up"). */
  regimeKey?: string | null;
  /** Each agent's signal for this ticker when the decision was taken. */
  agentSignals?: Record<string, number>;
  /** The macro quadrant's trailing-stop multiplier at entry, when it is not 1 (the trailing stop is this much wider or narrower). */
  trailMultiplier?: number;
}

export interface OpenPositionInput {
  id: string;
  portfolio: string;
  symbol: string;
  decisionId: string;
  agent: string;
  reason: string;
  notional: number;
  entryContext?: EntryContext | null;
  /** Absent: a spot long. */
  futures?: FuturesTerms | null;
  /** A leg of a position group (the funding carry), by the group's id. */
  group?: string;
}

/**
 * `state` with `changes`, as a new object built field by field in one order. The state changes on every
 * price, and V8 runs a spread with overrides (`{ ...state, lastPrice }`) of this 26-field object through
 * its slow path: about 0.5–1 µs against 40 ns for this copy, which also keeps every state one shape.
 */
export function changedPosition(state: PositionState, changes: Partial<PositionState>): PositionState {
  return Object.assign(copiedPosition(state), changes);
}

/** A copy of `state`, field by field in the one order (see `changedPosition`), for a caller to set fields on. */
function copiedPosition(state: PositionState): PositionState {
  const copy: PositionState = {
    id: state.id,
    portfolio: state.portfolio,
    symbol: state.symbol,
    decisionId: state.decisionId,
    agent: state.agent,
    entryReason: state.entryReason,
    status: state.status,
    requestedNotional: state.requestedNotional,
    orders: state.orders,
    qty: state.qty,
    entryPrice: state.entryPrice,
    entryFee: state.entryFee,
    openedAt: state.openedAt,
    peakPrice: state.peakPrice,
    lastPrice: state.lastPrice,
    lastPriceAt: state.lastPriceAt,
    exitReason: state.exitReason,
    exitKind: state.exitKind,
    exitPrice: state.exitPrice,
    exitFee: state.exitFee,
    closedAt: state.closedAt,
    pnl: state.pnl,
    createdAt: state.createdAt,
    entryContext: state.entryContext,
    lastReviewAt: state.lastReviewAt,
    reviews: state.reviews,
    hold: state.hold ?? null,
  };
  if (state.venue === "futures") Object.assign(copy, futuresFields(state));
  if (state.group !== undefined) copy.group = state.group;
  return copy;
}

function futuresFields(state: PositionState): Pick<PositionState, "side" | "venue" | "leverage" | "maintenanceMarginRate" | "funding" | "lastFundingAt" | "fundingPayments"> {
  return {
    side: state.side ?? "long",
    venue: "futures",
    leverage: state.leverage ?? 1,
    maintenanceMarginRate: state.maintenanceMarginRate ?? 0,
    funding: state.funding ?? 0,
    lastFundingAt: state.lastFundingAt ?? null,
    fundingPayments: state.fundingPayments ?? [],
  };
}

/** A short gains when the price falls: the side a position holds (long when stored without one). */
export function isShort(state: Pick<PositionState, "side">): boolean {
  return state.side === "short";
}

export function newPosition(input: OpenPositionInput, now: number): PositionState {
  const f = input.futures ?? null;
  const entry = orderIntent(input.id, input.symbol, "entry", { quoteQty: input.notional }, input.reason, now, "entry", f?.side === "short" ? "sell" : "buy");
  const pos: PositionState = {
    id: input.id,
    portfolio: input.portfolio,
    symbol: input.symbol,
    decisionId: input.decisionId,
    agent: input.agent,
    entryReason: input.reason,
    status: "pending_entry",
    requestedNotional: input.notional,
    orders: [entry],
    qty: 0,
    entryPrice: 0,
    entryFee: 0,
    openedAt: null,
    peakPrice: 0,
    lastPrice: null,
    lastPriceAt: null,
    exitReason: null,
    exitKind: null,
    exitPrice: null,
    exitFee: 0,
    closedAt: null,
    pnl: null,
    createdAt: now,
    entryContext: input.entryContext ?? null,
    lastReviewAt: null,
    reviews: 0,
    hold: null,
  };
  if (f) {
    Object.assign(pos, { side: f.side, venue: "futures", leverage: f.leverage, maintenanceMarginRate: f.maintenanceMarginRate, funding: 0, lastFundingAt: null, fundingPayments: [] });
    entry.leverage = f.leverage;
  }
  if (input.group !== undefined) pos.group = input.group;
  return pos;
}

/** Whether an open position is due for its next review. */
export function reviewDue(state: PositionState, now: number, intervalMs: number): boolean {
  if (state.status !== "open" || state.openedAt === null || state.group !== undefined) return false;
  return now - (state.lastReviewAt ?? state.openedAt) >= intervalMs;
}

export function markReviewed(state: PositionState, now: number): PositionState {
  return changedPosition(state, { lastReviewAt: now, reviews: state.reviews + 1 });
}

/** A review's verdict applied: the position is reviewed at `now`, and an EXIT verdict asks for the exit. */
export function applyReview(state: PositionState, outcome: Pick<ReviewOutcome, "action" | "source" | "confidence" | "reason">, now: number): PositionState {
  const next = markReviewed(state, now);
  return outcome.action === "EXIT" ? requestExit(next, "review", `review (${outcome.source}, confidence ${outcome.confidence.toFixed(2)}): ${outcome.reason}`, now) : next;
}

export function replaceOrder(state: PositionState, order: OrderRecord): PositionState {
  return changedPosition(state, { orders: state.orders.map((o) => (o.clientOrderId === order.clientOrderId ? order : o)) });
}

/** The order that has been written but not yet sent, if any. */
export function orderAwaitingSubmit(state: PositionState): OrderRecord | undefined {
  return state.orders.find((o) => o.status === "intent");
}

/** The order that was sent and waits for its fill, if any. */
export function orderAwaitingFill(state: PositionState): OrderRecord | undefined {
  return state.orders.find((o) => o.status === "submitted");
}

export function markSubmitted(state: PositionState, cid: string, now: number): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || order.status !== "intent") return state;
  return replaceOrder(state, { ...order, status: "submitted", submittedAt: now });
}

export function markRejected(state: PositionState, cid: string, reason: string): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || order.status === "filled" || order.status === "rejected") return state;
  const next = replaceOrder(state, { ...order, status: "rejected", rejectReason: reason });
  if (order.purpose === "entry") return changedPosition(next, { status: "failed", exitReason: `entry rejected: ${reason}` });
  if (order.purpose === "stop" || next.status !== "exiting") return next;
  return changedPosition(next, { status: "open" });
}

/** Applies a fill to its order; idempotent for an order already filled. */
export function applyFill(state: PositionState, cid: string, fill: Fill): PositionState {
  const order = state.orders.find((o) => o.clientOrderId === cid);
  if (!order || order.status === "filled" || order.status === "rejected") return state;
  const next = replaceOrder(state, { ...order, status: "filled", filledAt: fill.at, fillPrice: fill.price, filledQty: fill.qty, fee: fill.fee });
  if (order.purpose === "entry") {
    return changedPosition(next, { status: "open", qty: fill.qty, entryPrice: fill.price, entryFee: fill.fee, openedAt: fill.at, peakPrice: fill.price });
  }
  return changedPosition(next, { status: "closed", exitPrice: fill.price, exitFee: fill.fee, closedAt: fill.at, pnl: closePnl(state, fill.qty * fill.price, fill.fee) });
}

/** The net P&L of a round trip closed for `proceeds` (exit quantity × price) with `exitFee`: fees and funding included. */
export function closePnl(state: PositionState, proceeds: number, exitFee: number): number {
  const cost = state.qty * state.entryPrice;
  const funding = state.funding ?? 0;
  if (isShort(state)) return cost - proceeds - exitFee - state.entryFee + funding;
  const pnl = proceeds - exitFee - cost - state.entryFee;
  return funding === 0 ? pnl : pnl + funding;
}

/**
 * Cancels the orders of a position that are not filled yet (an operator's kill switch): an entry
 * that never filled ends the position as failed, an exit waiting for its fill leaves it open.
 */
export function cancelUnfilled(state: PositionState, reason: string): PositionState {
  let next = state;
  for (const o of state.orders) {
    if (o.status === "filled" || o.status === "rejected") continue;
    next = markRejected(next, o.clientOrderId, `cancelled: ${reason}`);
  }
  return next;
}

/** Starts the exit of an open position by writing its sell intent. Idempotent once exiting. */
export function requestExit(state: PositionState, kind: string, reason: string, now: number): PositionState {
  if (state.status !== "open") return state;
  // Every exit attempt is a new intent with its own client order id (-x, then -x2, -x3, ...).
  const attempt = state.orders.filter((o) => o.purpose === "exit").length + 1;
  const exit = orderIntent(state.id, state.symbol, "exit", { qty: state.qty }, reason, now, attempt === 1 ? "exit" : `x${attempt}`, isShort(state) ? "buy" : "sell");
  if (state.venue === "futures") exit.reduceOnly = true;
  return changedPosition(state, { status: "exiting", exitKind: kind, exitReason: reason, orders: [...state.orders, exit] });
}

/** Records a market price; on an open position runs the safety layer, which may start the exit. */
export function observePrice(state: PositionState, price: number, at: number, cfg: ExitConfig): PositionState {
  if (state.lastPriceAt !== null && at < state.lastPriceAt) return state;
  const openedAt = state.openedAt;
  const open = state.status === "open" && openedAt !== null;
  // The one change on every price: set on a copy, without a changes object.
  const next = copiedPosition(state);
  next.lastPrice = price;
  next.lastPriceAt = at;
  if (open && (isShort(state) ? price < state.peakPrice : price > state.peakPrice)) next.peakPrice = price;
  if (!open) return next;
  const exit =
    state.group !== undefined
      ? checkTimeStop(openedAt, at, cfg)
      : checkSafety({ side: state.side, entryPrice: next.entryPrice, peakPrice: next.peakPrice, price, openedAt, entry: state.entryContext }, at, cfg);
  return exit ? requestExit(next, exit.kind, exit.reason, at) : next;
}

/** Where the exchange would liquidate this futures position now (null for spot or before its entry filled). */
export function positionLiquidationPrice(state: PositionState): number | null {
  if (state.venue !== "futures" || state.qty <= 0) return null;
  return liquidationPrice(marginTerms(state), state.maintenanceMarginRate ?? 0);
}

function marginTerms(state: PositionState) {
  return { side: state.side ?? "long", qty: state.qty, entryPrice: state.entryPrice, leverage: state.leverage ?? 1, funding: state.funding ?? 0 };
}

/**
 * The venue's liquidation of a futures position the mark price has reached its liquidation price at: the position
 * closes at that price and the rest of its isolated margin goes as the clearance fee (with the taker fee already in),
 * so the loss is the whole margin with the entry fee, as on Binance. Any working exit is cancelled by it. Idempotent.
 */
export function liquidate(state: PositionState, markPrice: number, at: number): PositionState {
  if (state.venue !== "futures" || (state.status !== "open" && state.status !== "exiting")) return state;
  const terms = marginTerms(state);
  const mmr = state.maintenanceMarginRate ?? 0;
  if (!liquidates(terms, markPrice, mmr)) return state;
  const price = liquidationPrice(terms, mmr);
  const s = isShort(state) ? -1 : 1;
  // Margin left at the liquidation price: all of it is the venue's.
  const clearance = Math.max(0, isolatedMargin(terms) + s * state.qty * (price - state.entryPrice));
  const orders = state.orders.map((o) => (o.status === "filled" || o.status === "rejected" || o.status === "cancelled" ? o : { ...o, status: "cancelled" as const, rejectReason: "liquidated" }));
  const reason = `liquidated at ${price} (mark ${markPrice}; bankruptcy ${bankruptcyPrice(terms)})`;
  const next = changedPosition(state, { orders, status: "closed", exitKind: "liquidation", exitReason: reason, exitPrice: price, exitFee: clearance, closedAt: at });
  return changedPosition(next, { pnl: closePnl(next, state.qty * price, clearance) });
}

/** A settlement a funding source reports: its time and its rate per interval. */
export interface FundingSettlement {
  at: number;
  value: number;
}

/**
 * Every settlement of `points` (ascending) due by `now` that the position has not taken, each marked at `price` (the
 * first price at which it is known), in order: what the PositionActor does with the ticker's settlements on a price,
 * and the backtester with the shipped ones. `payments`: each settlement that moved money.
 */
export function settleDueFunding(
  state: PositionState,
  points: readonly FundingSettlement[],
  price: number,
  now: number,
): { state: PositionState; payments: { at: number; rate: number; amount: number }[] } {
  let next = state;
  const payments: { at: number; rate: number; amount: number }[] = [];
  if (state.venue !== "futures") return { state, payments };
  for (const p of points) {
    if (p.at > now) break;
    const r = settleFunding(next, p.value, price, p.at, now);
    if (r.state === next) continue;
    next = r.state;
    payments.push({ at: p.at, rate: p.value, amount: r.amount });
  }
  return { state: next, payments };
}

/**
 * A funding settlement at `at` with `rate` (per interval) and the mark price then: an open futures position pays
 * (longs when the rate is positive) or receives rate × its notional at the mark. Idempotent per settlement time:
 * a settlement at or before the last one applied changes nothing. `amount`: what moved (0 when nothing did).
 */
export function settleFunding(state: PositionState, rate: number, markPrice: number, at: number, markAt: number = at): { state: PositionState; amount: number } {
  // A position pays or receives for a settlement only when it was open before it (an entry filled at its instant is not).
  if (state.venue !== "futures" || (state.status !== "open" && state.status !== "exiting") || state.openedAt === null || at <= state.openedAt) return { state, amount: 0 };
  if (state.lastFundingAt != null && at <= state.lastFundingAt) return { state, amount: 0 };
  const amount = fundingPayment(state.side ?? "long", state.qty, markPrice, rate);
  const fundingPayments = [...(state.fundingPayments ?? []), { at, rate, markPrice, markAt, amount }];
  return { state: changedPosition(state, { funding: (state.funding ?? 0) + amount, lastFundingAt: at, fundingPayments }), amount };
}

export function isFinished(state: PositionState): boolean {
  return state.status === "closed" || state.status === "failed";
}
