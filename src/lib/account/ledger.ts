/** The account's book: cash, reservations for entries in flight, and open positions. */

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
  return Object.assign(b, changes);
}

/** `p` with `changes`, as a new object built field by field (see `changedBook`). */
export function changedBookPosition(p: BookPosition, changes: Partial<BookPosition>): BookPosition {
  const next: BookPosition = { id: p.id, symbol: p.symbol, status: p.status, notional: p.notional, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt };
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

/** Cash committed to entries that have not filled yet. */
export function reservedCash(book: AccountBook): number {
  let sum = 0;
  for (const p of Object.values(book.positions)) if (p.status === "pending") sum += p.notional;
  return sum;
}

/** Market value of open positions at their last known prices. */
export function exposure(book: AccountBook): number {
  let sum = 0;
  for (const p of Object.values(book.positions)) sum += p.status === "open" ? p.qty * p.lastPrice : p.notional;
  return sum;
}

/** Cash plus open positions marked to market (pending entries count at their reserved notional). */
export function equity(book: AccountBook): number {
  let value = book.cash;
  for (const p of Object.values(book.positions)) value += p.status === "open" ? p.qty * p.lastPrice : 0;
  return value;
}

export function availableCash(book: AccountBook): number {
  return book.cash - reservedCash(book);
}
