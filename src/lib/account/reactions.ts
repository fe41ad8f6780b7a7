import type { EntryFilledMessage, FundingSettledMessage, PositionClosedMessage } from "../execution/position-reports";
import type { OpenPositionInput } from "../execution/position";
import type { RiskConfig } from "../config";
import type { EntryRequest, ExitRequest } from "../decide/decision-cycle";
import { updateTradingState } from "../risk/trading-state";
import { acceptEntry, type EntryConfig } from "./accept-entry";
import { symbolTerms } from "../futures/config";
import { changedBook, changedBookPosition, equity, type AccountBook } from "./ledger";
import { shortsAllowed } from "../futures/config";
import { baseAssetOf } from "../util/symbols";
import { applyClose, applyEntryFill, applyFunding, applyLateFunding } from "./transitions";

/** The account's answer to a decision's entry or exit request (kept per decision and symbol: a repeat gets it again). */
export interface RequestResult {
  accepted: boolean;
  detail: string;
  positionId?: string;
}

/**
 * A decision's entry: the risk checks, then the notional reserved and the positions to open (`opens`), or the refusal.
 * The AccountActor mails each of `opens` to a new PositionActor; the backtester opens them in its loop. A carry
 * (`group` "carry") opens two legs of equal notional as one unit, or neither: the asset bought on spot and the same
 * notional sold short on the perpetual (`carryLegs`).
 */
export function entryRequested(book: AccountBook, req: EntryRequest, portfolio: string, cfg: EntryConfig, now: number): { book: AccountBook; result: RequestResult; opens: OpenPositionInput[] } {
  if (req.group === "carry") return carryRequested(book, req, portfolio, cfg, now);
  const side = req.side ?? "long";
  const a = acceptEntry(book, { decisionId: req.decisionId, symbol: req.symbol, positionPct: req.positionPct, side, entry: req.entryContext ?? null, edge: req.edge ?? null }, cfg, now);
  if (!a.accepted) return { book: a.book, result: { accepted: false, detail: a.detail }, opens: [] };
  return { book: a.book, result: { accepted: true, positionId: a.positionId, detail: a.detail }, opens: [openInput(a, req, portfolio, cfg)] };
}

/** The position to open for an accepted entry (a futures leg with its terms). */
function openInput(a: Extract<ReturnType<typeof acceptEntry>, { accepted: true }>, req: EntryRequest, portfolio: string, cfg: EntryConfig): OpenPositionInput {
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
  if (a.terms.venue === "futures") open.futures = { side: a.terms.side ?? "long", leverage: a.terms.leverage ?? 1, maintenanceMarginRate: symbolTerms(cfg.market, req.symbol).maintenanceMarginRate };
  if (a.terms.group !== undefined) open.group = a.terms.group;
  return open;
}

/**
 * The funding carry's two legs as one unit: the spot long sized as any entry, then the perpetual short of the same
 * notional. Refused whole when either leg is (the book as it was before the first), or when the short leg could not take
 * the same notional (clamped by the limits): the carry is both legs, of equal size, or neither.
 */
function carryRequested(book: AccountBook, req: EntryRequest, portfolio: string, cfg: EntryConfig, now: number): { book: AccountBook; result: RequestResult; opens: OpenPositionInput[] } {
  const refused = (detail: string, b: AccountBook) => ({ book: b, result: { accepted: false, detail }, opens: [] });
  if (!shortsAllowed(cfg.market)) return refused(`risk denied: a carry needs a perpetual short: market.type futures with market.shorts (the market is ${cfg.market.type})`, book);
  const group = `${req.decisionId}-${baseAssetOf(req.symbol)}-carry`;
  const base = { decisionId: req.decisionId, symbol: req.symbol, entry: req.entryContext ?? null, edge: req.edge ?? null };
  const spot = acceptEntry(book, { ...base, positionPct: req.positionPct, side: "long", group: { id: group, leg: "spot", venue: "spot" } }, cfg, now);
  if (!spot.accepted) return refused(`carry refused (spot leg): ${spot.detail}`, spot.book);
  const eq = equity(spot.book);
  const perp = acceptEntry(spot.book, { ...base, positionPct: spot.notional / eq, side: "short", group: { id: group, leg: "perp", venue: "futures" } }, cfg, now);
  if (!perp.accepted) return refused(`carry refused (perpetual leg; neither leg opens): ${perp.detail}`, book);
  if (Math.abs(perp.notional - spot.notional) > 1e-9 * spot.notional) {
    return refused(`carry refused: the perpetual leg could take ${perp.notional.toFixed(2)} of the spot leg's ${spot.notional.toFixed(2)} ${cfg.quoteAsset}; neither leg opens`, book);
  }
  // Equal to the last digit: the perpetual leg's reservation takes the spot leg's notional.
  const pos = perp.book.positions[perp.positionId]!;
  const booked = changedBook(perp.book, { positions: { ...perp.book.positions, [perp.positionId]: changedBookPosition(pos, { notional: spot.notional }) } });
  const legs = [openInput(spot, req, portfolio, cfg), { ...openInput(perp, req, portfolio, cfg), notional: spot.notional }];
  return { book: booked, result: { accepted: true, positionId: spot.positionId, detail: `carry ${group}: ${spot.detail}; ${perp.detail}` }, opens: legs };
}

/** A decision's exit: every open position in the symbol (both legs of a carry) is asked to exit (`exits`: their ids), or why there is none. */
export function exitRequested(book: AccountBook, req: ExitRequest): { result: RequestResult; exits: string[] } {
  const held = Object.values(book.positions).filter((p) => p.symbol === req.symbol);
  if (held.length === 0) return { result: { accepted: false, detail: `no position in ${req.symbol}` }, exits: [] };
  const open = held.filter((p) => p.status === "open");
  if (open.length === 0) return { result: { accepted: false, detail: `position ${held[0]!.id} is not open yet (${held[0]!.status})`, positionId: held[0]!.id }, exits: [] };
  return { result: { accepted: true, detail: `exit requested for ${open.map((p) => p.id).join(" and ")}`, positionId: open[0]!.id }, exits: open.map((p) => p.id) };
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
  return msg.afterClose ? applyLateFunding(book, msg.positionId, msg.at, msg.amount) : applyFunding(book, msg.positionId, msg.total);
}

export function bookClose(book: AccountBook, msg: PositionClosedMessage, risk: RiskConfig, now: number): AccountBook {
  const next = applyClose(
    book,
    { positionId: msg.positionId, exitPrice: msg.exitPrice, proceeds: msg.proceeds, exitFee: msg.exitFee, pnl: msg.pnl, at: msg.closedAt, exitKind: msg.exitKind, funding: msg.funding ?? 0 },
    risk,
  );
  return next === book ? book : updateTradingState(next, risk, now);
}
