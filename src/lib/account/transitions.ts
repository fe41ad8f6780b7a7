import { recordClose, type ProtectionsConfig } from "../risk/protections";
import { direction, sideOf } from "../futures/side";
import { changedBook, changedBookPosition, committedCash, type AccountBook, type BookPosition } from "./ledger";

export interface EntryFill {
  positionId: string;
  qty: number;
  price: number;
  fee: number;
  at: number;
}

export interface PositionClose {
  positionId: string;
  exitPrice: number;
  /** Quote received for the exit, before its fee. */
  proceeds: number;
  exitFee: number;
  /** Net PnL of the round trip: proceeds − cost − both fees. */
  pnl: number;
  at: number;
  /** How the position exited ("hard_stop", "trailing_stop", …): the stop cooldown reads it. */
  exitKind?: string | null;
  /** Futures: the funding settled over the position's life (already in its P&L). */
  funding?: number;
}

/** The futures terms of an entry (absent: a spot long). */
export type EntryTerms = Partial<Pick<BookPosition, "side" | "venue" | "leverage" | "group">>;

export function reserveEntry(book: AccountBook, p: Pick<BookPosition, "id" | "symbol" | "notional"> & EntryTerms, now: number): AccountBook {
  if (book.positions[p.id]) return book;
  const pos: BookPosition = { id: p.id, symbol: p.symbol, status: "pending", notional: p.notional, qty: 0, entryPrice: 0, lastPrice: 0, openedAt: now };
  if (p.venue === "futures") Object.assign(pos, { side: p.side ?? "long", venue: "futures", leverage: p.leverage ?? 1, funding: 0 });
  if (p.group !== undefined) pos.group = p.group;
  return changedBook(book, { positions: { ...book.positions, [p.id]: pos } });
}

/** Idempotent: a fill for a position that is already open (or unknown) leaves the book unchanged. */
export function applyEntryFill(book: AccountBook, fill: EntryFill): AccountBook {
  const pos = book.positions[fill.positionId];
  if (!pos || pos.status !== "pending") return book;
  const cost = fill.qty * fill.price;
  const open = changedBookPosition(pos, { status: "open", qty: fill.qty, entryPrice: fill.price, lastPrice: fill.price, notional: cost, openedAt: fill.at });
  return changedBook(book, {
    cash: book.cash - committedCash(open) - fill.fee,
    feesPaid: book.feesPaid + fill.fee,
    positions: { ...book.positions, [fill.positionId]: open },
  });
}

/** Releases the reservation of an entry that never filled. Idempotent. */
export function releaseEntry(book: AccountBook, positionId: string): AccountBook {
  const pos = book.positions[positionId];
  if (!pos || pos.status !== "pending") return book;
  const positions = { ...book.positions };
  delete positions[positionId];
  return changedBook(book, { positions });
}

/**
 * Books a close. With `protections` it also moves the loss streak and the stop cooldowns
 * (src/lib/risk/protections.ts); without, or with both protections off, only the money moves.
 * Idempotent: closing a position the book no longer holds changes nothing.
 */
export function applyClose(book: AccountBook, close: PositionClose, protections?: ProtectionsConfig): AccountBook {
  const pos = book.positions[close.positionId];
  if (!pos || pos.status !== "open") return book;
  const positions = { ...book.positions };
  delete positions[close.positionId];
  const booked = changedBook(book, {
    cash: book.cash + closeCash(pos, close) - close.exitFee,
    feesPaid: book.feesPaid + close.exitFee,
    realizedPnl: book.realizedPnl + close.pnl,
    positions,
    closedCount: book.closedCount + 1,
  });
  return protections ? recordClose(booked, { symbol: pos.symbol, pnl: close.pnl, exitKind: close.exitKind ?? null, at: close.at }, protections) : booked;
}

/**
 * What a close returns to cash before its fee: a spot sale its proceeds; a futures close its margin, the funding
 * settled into it and the realized difference (proceeds − cost for a long, cost − proceeds for a short).
 */
function closeCash(pos: BookPosition, close: PositionClose): number {
  if (pos.venue !== "futures") return close.proceeds;
  return committedCash(pos) + (close.funding ?? pos.funding ?? 0) + direction(sideOf(pos)) * (close.proceeds - pos.notional);
}

/** Funding the venue booked to a position already closed in the book: into cash and the realized P&L, once per settlement. */
export function applyLateFunding(book: AccountBook, positionId: string, at: number, amount: number): AccountBook {
  const key = `${positionId}@${at}`;
  if (book.positions[positionId] || book.lateFunding?.[key] !== undefined) return book;
  return changedBook(book, { cash: book.cash + amount, realizedPnl: book.realizedPnl + amount, lateFunding: { ...book.lateFunding, [key]: amount } });
}

/**
 * A funding settlement of a futures position: its isolated margin (and so equity) now holds `total`, the funding
 * settled over its life. Idempotent: the report carries the total, so a repeated report sets the same value.
 */
export function applyFunding(book: AccountBook, positionId: string, total: number): AccountBook {
  const pos = book.positions[positionId];
  if (!pos || pos.status !== "open" || pos.venue !== "futures" || pos.funding === total) return book;
  return changedBook(book, { positions: { ...book.positions, [positionId]: changedBookPosition(pos, { funding: total }) } });
}

export function markPrice(book: AccountBook, symbol: string, price: number): AccountBook {
  let changed = false;
  const positions: Record<string, BookPosition> = {};
  for (const [id, p] of Object.entries(book.positions)) {
    if (p.symbol === symbol && p.status === "open" && p.lastPrice !== price) {
      positions[id] = changedBookPosition(p, { lastPrice: price });
      changed = true;
    } else {
      positions[id] = p;
    }
  }
  return changed ? changedBook(book, { positions }) : book;
}
