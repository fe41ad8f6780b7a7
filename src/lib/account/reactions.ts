import type { EntryFilledMessage, FundingSettledMessage, PositionClosedMessage } from "../execution/position-reports";
import type { OpenPositionInput } from "../execution/position";
import type { RiskConfig } from "../config";
import type { EntryRequest, ExitRequest } from "../decide/decision-cycle";
import { updateTradingState } from "../risk/trading-state";
import { acceptEntry, type EntryConfig } from "./accept-entry";
import { symbolTerms } from "../futures/config";
import type { AccountBook } from "./ledger";
import { applyClose, applyEntryFill, applyFunding } from "./transitions";

/** The account's answer to a decision's entry or exit request (kept per decision and symbol: a repeat gets it again). */
export interface RequestResult {
  accepted: boolean;
  detail: string;
  positionId?: string;
}

/**
 * A decision's entry: the risk checks, then the notional reserved and the position to open (`open`), or the refusal.
 * The AccountActor mails `open` to a new PositionActor; the backtester opens it in its loop.
 */
export function entryRequested(book: AccountBook, req: EntryRequest, portfolio: string, cfg: EntryConfig, now: number): { book: AccountBook; result: RequestResult; open: OpenPositionInput | null } {
  const side = req.side ?? "long";
  const a = acceptEntry(book, { decisionId: req.decisionId, symbol: req.symbol, positionPct: req.positionPct, side, entry: req.entryContext ?? null, edge: req.edge ?? null }, cfg, now);
  if (!a.accepted) return { book: a.book, result: { accepted: false, detail: a.detail }, open: null };
  const open: OpenPositionInput = {
    id: a.positionId,
    portfolio,
    symbol: req.symbol,
    decisionId: req.decisionId,
    agent: req.agent,
    reason: req.reason,
    notional: a.notional,
    entryContext: req.entryContext ?? null,
  };
  if (a.terms.venue === "futures") open.futures = { side, leverage: a.terms.leverage ?? 1, maintenanceMarginRate: symbolTerms(cfg.market, req.symbol).maintenanceMarginRate };
  return { book: a.book, result: { accepted: true, positionId: a.positionId, detail: a.detail }, open };
}

/** A decision's exit: the open position in the symbol is asked to exit (`exit`: its id), or why there is none. */
export function exitRequested(book: AccountBook, req: ExitRequest): { result: RequestResult; exit: string | null } {
  const pos = Object.values(book.positions).find((p) => p.symbol === req.symbol);
  if (!pos) return { result: { accepted: false, detail: `no position in ${req.symbol}` }, exit: null };
  if (pos.status !== "open") return { result: { accepted: false, detail: `position ${pos.id} is not open yet (${pos.status})`, positionId: pos.id }, exit: null };
  return { result: { accepted: true, detail: `exit requested for ${pos.id}`, positionId: pos.id }, exit: pos.id };
}

/**
 * The account's reactions to a position's reports, for the AccountActor and the backtester alike. Each is
 * idempotent (a repeated report answers the same book) and checks the trading state at `now`.
 */

export function bookEntryFilled(book: AccountBook, msg: EntryFilledMessage, risk: RiskConfig, now: number): AccountBook {
  const next = applyEntryFill(book, { positionId: msg.positionId, qty: msg.qty, price: msg.price, fee: msg.fee, at: msg.at });
  return next === book ? book : updateTradingState(next, risk, now);
}

/** A futures position's funding settlement: the book takes the position's funding total (idempotent). */
export function bookFunding(book: AccountBook, msg: FundingSettledMessage): AccountBook {
  return applyFunding(book, msg.positionId, msg.total);
}

export function bookClose(book: AccountBook, msg: PositionClosedMessage, risk: RiskConfig, now: number): AccountBook {
  const next = applyClose(
    book,
    { positionId: msg.positionId, exitPrice: msg.exitPrice, proceeds: msg.proceeds, exitFee: msg.exitFee, pnl: msg.pnl, at: msg.closedAt, exitKind: msg.exitKind, funding: msg.funding ?? 0 },
    risk,
  );
  return next === book ? book : updateTradingState(next, risk, now);
}
