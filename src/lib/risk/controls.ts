import { changedBook, type AccountBook, type AccountControls, type KillSwitch, type OperatorFlag, type TradingState } from "../account/ledger";

/**
 * Operator controls and REDUCING, kept in the book. Each refuses entries (never exits) until an
 * operator's resume (`resumeTrading`) clears it: a pause, the kill switch, and REDUCING, which the
 * reconciliation enters on an unclear difference between the exchange and the book.
 */

const NONE: AccountControls = { paused: null, kill: null, reducing: null };

function withControls(book: AccountBook, changes: Partial<AccountControls>): AccountBook {
  return changedBook(book, { controls: { ...(book.controls ?? NONE), ...changes } });
}

/** Pauses entries. A book already paused keeps its first pause (who, why, since when). */
export function pauseEntries(book: AccountBook, op: { by: string; reason: string }, now: number): AccountBook {
  if (book.controls?.paused) return book;
  const paused: OperatorFlag = { by: op.by, reason: op.reason, at: now };
  return withControls(book, { paused });
}

/**
 * Engages the kill switch: entries refused until a resume. An engaged switch keeps its first
 * engagement; a later one that asks to flatten marks it flattened.
 */
export function engageKill(book: AccountBook, op: { by: string; reason: string; flatten: boolean }, now: number): AccountBook {
  const current = book.controls?.kill;
  if (current && (current.flatten || !op.flatten)) return book;
  const kill: KillSwitch = current ? { ...current, flatten: true } : { by: op.by, reason: op.reason, at: now, flatten: op.flatten };
  return withControls(book, { kill });
}

/** Puts the account in REDUCING (exits only). Already REDUCING: unchanged (the first reason stays). */
export function enterReducing(book: AccountBook, reason: string, detail: unknown, now: number): AccountBook {
  if (book.controls?.reducing) return book;
  return withControls(book, { reducing: { reason, detail: detail ?? null, at: now } });
}

/** HALTED (a risk limit) over REDUCING over ACTIVE. */
export function tradingStateOf(book: AccountBook): TradingState {
  if (book.tradingState === "HALTED") return "HALTED";
  return book.controls?.reducing ? "REDUCING" : "ACTIVE";
}

/** Why an operator flag or REDUCING refuses an entry now; null when none does. */
export function controlRefusal(book: AccountBook): string | null {
  const c = book.controls;
  if (!c) return null;
  if (c.kill) return `kill switch engaged by ${c.kill.by}: ${c.kill.reason}`;
  if (c.paused) return `entries paused by ${c.paused.by}: ${c.paused.reason}`;
  if (c.reducing) return `trading is REDUCING (exits only): ${c.reducing.reason}`;
  return null;
}

/** What a resume would clear, in words (for the operator's record). */
export function resumable(book: AccountBook): string[] {
  const out: string[] = [];
  if (book.controls?.kill) out.push(`kill switch (${book.controls.kill.by}: ${book.controls.kill.reason})`);
  if (book.controls?.paused) out.push(`pause (${book.controls.paused.by}: ${book.controls.paused.reason})`);
  if (book.controls?.reducing) out.push(`REDUCING (${book.controls.reducing.reason})`);
  if (book.tradingState === "HALTED") out.push(`HALTED (${book.haltReason ?? "no reason recorded"})`);
  return out;
}
