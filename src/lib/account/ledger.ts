/** The account's book: cash, reservations for entries in flight, and open positions. */
import { direction, sideOf, venueOf, type PositionSide, type Venue } from "../futures/side";

/** The state the risk limits roll (daily loss, drawdown): kept in `tradingState`. */
export type HaltState = "ACTIVE" | "HALTED";

/**
 * The account's trading state: HALTED (a risk limit passed), REDUCING (exits only, after an unclear
 * reconciliation difference) or ACTIVE. `tradingStateOf` (src/lib/risk/controls.ts) derives it.
 */
export type TradingState = "ACTIVE" | "REDUCING" | "HALTED";

/** Who set an operator flag, why, and when (engine time). */
export interface OperatorFlag {
  by: string;
  reason: string;
  at: number;
}

export interface KillSwitch extends OperatorFlag {
  /** Whether the engagement also asked every position to exit. */
  flatten: boolean;
}

export interface ReducingState {
  reason: string;
  detail: unknown;
  at: number;
}

/** Operator flags and REDUCING: each refuses entries until an operator's resume clears it. */
export interface AccountControls {
  paused: OperatorFlag | null;
  kill: KillSwitch | null;
  reducing: ReducingState | null;
}

export interface Cooldown {
  /** Engine time (ms) the cooldown ends at. */
  until: number;
  reason: string;
}

/** State of the protections (src/lib/risk/protections.ts). */
export interface ProtectionState {
  /** Losing closes in a row since the last close that did not lose (or since the last cooldown began). */
  lossStreak: number;
  streakCooldown: Cooldown | null;
  /** Per symbol, the cooldown after a stop-loss close. */
  symbolCooldowns: Record<string, Cooldown>;
}

export interface BookPosition {
  id: string;
  symbol: string;
  status: "pending" | "open";
  /** Quote notional reserved for the entry (pending) or paid for it (open), fee excluded. */
  notional: number;
  qty: number;
  entryPrice: number;
  lastPrice: number;
  openedAt: number;
  /** Absent on books stored before shorts and futures: a spot long. */
  side?: PositionSide;
  venue?: Venue;
  /** Futures: the leverage the margin was posted at (the margin is notional / leverage). */
  leverage?: number;
  /** Futures: the funding settled into the position's isolated margin so far (+ received, − paid). */
  funding?: number;
  /** A leg of a position group (the funding carry: spot long + perpetual short), by the group's id. */
  group?: string;
}

export interface AccountBook {
  cash: number;
  positions: Record<string, BookPosition>;
  realizedPnl: number;
  feesPaid: number;
  peakEquity: number;
  /** UTC day (epoch ms of 00:00) and equity at its start, the base of the daily-loss limit. */
  day: number;
  dayStartEquity: number;
  tradingState: HaltState;
  haltReason: string | null;
  closedCount: number;
  /** Operator flags and REDUCING; absent on a book no operator or reconciliation has touched. */
  controls?: AccountControls;
  /** Loss streak and cooldowns; absent while the protections are off (so backtests keep their books). */
  protections?: ProtectionState;
  /**
   * Funding the venue booked to a perpetual after the position had closed here (a settlement just before its close), by
   * `positionId@settlement time`: each taken into cash once. Absent until the first.
   */
  lateFunding?: Record<string, number>;
}

/**
 * `book` with `changes`, as a new object built field by field: the book changes on every marked price,
 * and V8 runs a spread with overrides (`{ ...book, peakEquity }`) through its slow path.
 */
export function changedBook(book: AccountBook, changes: Partial<AccountBook>): AccountBook {
  const b: AccountBook = {
    cash: book.cash,
    positions: book.positions,
    realizedPnl: book.realizedPnl,
    feesPaid: book.feesPaid,
    peakEquity: book.peakEquity,
    day: book.day,
    dayStartEquity: book.dayStartEquity,
    tradingState: book.tradingState,
    haltReason: book.haltReason,
    closedCount: book.closedCount,
  };
  // Copied only when present: a book without them (every backtest with protections off) keeps its shape.
  if (book.controls !== undefined) b.controls = book.controls;
  if (book.protections !== undefined) b.protections = book.protections;
  if (book.lateFunding !== undefined) b.lateFunding = book.lateFunding;
  return Object.assign(b, changes);
}

/** `p` with `changes`, as a new object built field by field (see `changedBook`). */
export function changedBookPosition(p: BookPosition, changes: Partial<BookPosition>): BookPosition {
  const next: BookPosition = { id: p.id, symbol: p.symbol, status: p.status, notional: p.notional, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt };
  // Copied only when present: a spot book keeps the shape it always had.
  if (p.side !== undefined) next.side = p.side;
  if (p.venue !== undefined) next.venue = p.venue;
  if (p.leverage !== undefined) next.leverage = p.leverage;
  if (p.funding !== undefined) next.funding = p.funding;
  if (p.group !== undefined) next.group = p.group;
  return Object.assign(next, changes);
}

export function newAccountBook(initialCash: number, now: number): AccountBook {
  return {
    cash: initialCash,
    positions: {},
    realizedPnl: 0,
    feesPaid: 0,
    peakEquity: initialCash,
    day: utcDay(now),
    dayStartEquity: initialCash,
    tradingState: "ACTIVE",
    haltReason: null,
    closedCount: 0,
  };
}

export function utcDay(t: number): number {
  return t - (t % 86_400_000);
}

/**
 * The cash a position ties up: a spot entry pays its notional; a futures entry posts notional / leverage as margin
 * (the book keeps cash as what is free, so both leave cash the same way and come back with the close).
 */
export function committedCash(p: Pick<BookPosition, "notional" | "venue" | "leverage">): number {
  return p.venue === "futures" ? p.notional / (p.leverage ?? 1) : p.notional;
}

/**
 * What an open position adds to equity at `price`: a spot holding its market value; a futures position its margin,
 * the funding settled into it and its unrealized P&L (either side).
 */
export function positionValue(p: BookPosition, price: number): number {
  if (p.venue !== "futures") return p.qty * price;
  return p.notional / (p.leverage ?? 1) + (p.funding ?? 0) + direction(sideOf(p)) * p.qty * (price - p.entryPrice);
}

/** Gross exposure of an open position at `price`: its notional, whichever side. */
export function positionExposure(p: BookPosition, price: number): number {
  return p.qty * price;
}

/** Cash committed to entries that have not filled yet. */
export function reservedCash(book: AccountBook): number {
  let sum = 0;
  for (const p of Object.values(book.positions)) if (p.status === "pending") sum += committedCash(p);
  return sum;
}

/**
 * The open legs of position groups whose partner is gone from the book (closed, failed or released): each must be closed
 * too, so a group is both legs or neither. A leg whose partner is still pending waits for its fill or failure.
 */
export function orphanedLegs(book: AccountBook): string[] {
  const legs = new Map<string, BookPosition[]>();
  for (const p of Object.values(book.positions)) {
    if (p.group === undefined) continue;
    const list = legs.get(p.group);
    if (list) list.push(p);
    else legs.set(p.group, [p]);
  }
  const out: string[] = [];
  for (const list of legs.values()) if (list.length === 1 && list[0]!.status === "open") out.push(list[0]!.id);
  return out;
}

/** Gross market value of open positions at their last known prices, both sides (pending entries at their notional). */
export function exposure(book: AccountBook): number {
  let sum = 0;
  for (const p of Object.values(book.positions)) sum += p.status === "open" ? positionExposure(p, p.lastPrice) : p.notional;
  return sum;
}

/** Cash plus open positions marked to market (pending entries count at their reserved notional). */
export function equity(book: AccountBook): number {
  let value = book.cash;
  for (const p of Object.values(book.positions)) value += p.status === "open" ? positionValue(p, p.lastPrice) : 0;
  return value;
}

/** The venue and side a book position holds, with the defaults of a stored spot book. */
export function bookSide(p: BookPosition): { side: PositionSide; venue: Venue } {
  return { side: sideOf(p), venue: venueOf(p) };
}

export function availableCash(book: AccountBook): number {
  return book.cash - reservedCash(book);
}
