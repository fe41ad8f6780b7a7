import { requestCancel } from "./exchange-orders";
import { isFinal, type OrderFill } from "./order";
import { changedPosition, closePnl, isShort, type FundingPayment, type FundingSettlement, type PositionState } from "./position";

/**
 * A USD-M position on the exchange broker takes what the venue did beyond its own orders from the venue itself: the
 * funding it settled (its income history), and a close by orders none of ours placed (its liquidation or auto-deleverage).
 * Pure: the PositionActor asks the broker and applies the answer here.
 */

/** One funding settlement the venue booked to the position's symbol (+ received, − paid). */
export interface VenueFunding {
  at: number;
  amount: number;
}

/** The venue closed the position itself: the executions of its own close orders and the P&L it realized on them. */
export interface VenueClose {
  kind: "liquidation" | "adl" | "settlement";
  fills: OrderFill[];
  realizedPnl: number;
}

/** What the broker read of the venue for one perpetual. */
export type VenueActivity = { kind: "activity"; positionAmt: number; funding: VenueFunding[]; close: VenueClose | null } | { kind: "unknown"; reason: string };

/** How long after a settlement the venue's income may still be on its way; past it a settlement the venue did not book paid nothing. */
export const VENUE_FUNDING_GRACE_MS = 10 * 60_000;

function settledSince(state: PositionState): number {
  return Math.max(state.openedAt ?? Number.POSITIVE_INFINITY, state.lastFundingAt ?? Number.NEGATIVE_INFINITY);
}

/** Whether a settlement the ticker knows of (`points`, by `now`) is one the venue owes this open futures position an account of. */
export function venueFundingDue(state: PositionState, points: readonly FundingSettlement[], now: number): boolean {
  if (state.venue !== "futures" || (state.status !== "open" && state.status !== "exiting") || state.openedAt === null) return false;
  const since = settledSince(state);
  return points.some((p) => p.at > since && p.at <= now);
}

/**
 * The venue's funding income applied in time order: each entry after the last settlement taken (and after the entry
 * filled) moves the position's funding by what the venue booked. Its rate is the ticker's for that settlement when known
 * (else read back from the amount at the last price), the mark the one the amount implies. A settlement the ticker knows
 * of that the venue has not booked `graceMs` after it paid nothing: it is passed over. Idempotent per settlement time.
 * A closed position takes the settlements up to its close the venue booked late (its P&L moves with them).
 */
export function applyVenueFunding(state: PositionState, income: readonly VenueFunding[], points: readonly FundingSettlement[], now: number, graceMs = VENUE_FUNDING_GRACE_MS): PositionState {
  if (state.venue !== "futures" || state.openedAt === null || (state.status !== "open" && state.status !== "exiting" && state.status !== "closed")) return state;
  const closed = state.status === "closed";
  const until = closed ? (state.closedAt ?? state.openedAt) : Number.POSITIVE_INFINITY;
  const s = isShort(state) ? -1 : 1;
  const payments: FundingPayment[] = [...(state.fundingPayments ?? [])];
  let moved = 0;
  let last = state.lastFundingAt ?? null;
  for (const f of [...income].sort((a, b) => a.at - b.at)) {
    const point = points.find((p) => Math.abs(p.at - f.at) < 60_000);
    // The settlement's own instant where the ticker knows it (a venue may stamp its income a moment after it).
    const settledAt = point?.at ?? f.at;
    if (f.at <= settledSince({ ...state, lastFundingAt: last }) || settledAt > until || !Number.isFinite(f.amount)) continue;
    const price = state.lastPrice ?? state.entryPrice;
    const rate = point?.value ?? (state.qty > 0 && price > 0 ? f.amount / (-s * state.qty * price) : 0);
    const markPrice = rate !== 0 && state.qty > 0 ? Math.abs(f.amount / (rate * state.qty)) : price;
    payments.push({ at: f.at, rate, markPrice, markAt: f.at, amount: f.amount });
    moved += f.amount;
    last = f.at;
  }
  // Settlements long past that the venue booked nothing for (a zero rate, or an entry just after it): nothing is owed.
  if (!closed) for (const p of points) if (p.at > settledSince({ ...state, lastFundingAt: last }) && p.at <= now - graceMs) last = p.at;
  if (last === (state.lastFundingAt ?? null)) return state;
  const changes: Partial<PositionState> = { funding: (state.funding ?? 0) + moved, lastFundingAt: last, fundingPayments: payments };
  if (closed) changes.pnl = (state.pnl ?? 0) + moved;
  return changedPosition(state, changes);
}

/**
 * The venue closed the position with its own orders (liquidation, auto-deleverage): closed at their executions' price,
 * its P&L what the venue realized on them less their fees, with the entry's fee and the funding, as the venue's wallet
 * moved. What the venue took beyond the price's move (the liquidation clearance) is booked with the exit's fee.
 */
export function closeByVenue(state: PositionState, close: VenueClose): PositionState {
  if (state.venue !== "futures" || (state.status !== "open" && state.status !== "exiting")) return state;
  const qty = close.fills.reduce((a, f) => a + f.qty, 0);
  if (!(qty > 0)) return state;
  const price = close.fills.reduce((a, f) => a + f.qty * f.price, 0) / qty;
  const fees = close.fills.reduce((a, f) => a + f.fee, 0);
  const moved = (isShort(state) ? -1 : 1) * (price - state.entryPrice) * state.qty;
  const clearance = moved - close.realizedPnl;
  // Our orders still on the venue (the protective stop) are cancelled there; one not sent yet never leaves.
  let next = state;
  for (const o of state.orders) if (!isFinal(o)) next = requestCancel(next, o.clientOrderId, `the venue closed the position (${close.kind})`);
  const closedAt = Math.max(...close.fills.map((f) => f.at));
  const how = close.kind === "adl" ? "auto-deleveraged" : close.kind === "settlement" ? "settled (delisted)" : "liquidated";
  const reason = `${how} by the venue at ${price} (its P&L ${close.realizedPnl})`;
  next = changedPosition(next, { status: "closed", exitKind: close.kind, exitReason: reason, exitPrice: price, exitFee: fees + clearance, closedAt });
  return changedPosition(next, { pnl: closePnl(next, state.qty * price, fees + clearance) });
}
