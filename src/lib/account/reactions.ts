import type { EntryFilledMessage, PositionClosedMessage } from "../execution/position-reports";
import type { RiskConfig } from "../config";
import { updateTradingState } from "../risk/trading-state";
import type { AccountBook } from "./ledger";
import { applyClose, applyEntryFill } from "./transitions";

/**
 * The account's reactions to a position's reports, for the AccountActor and the backtester alike. Each is
 * idempotent (a repeated report answers the same book) and checks the trading state at `now`.
 */

export function bookEntryFilled(book: AccountBook, msg: EntryFilledMessage, risk: RiskConfig, now: number): AccountBook {
  const next = applyEntryFill(book, { positionId: msg.positionId, qty: msg.qty, price: msg.price, fee: msg.fee, at: msg.at });
  return next === book ? book : updateTradingState(next, risk, now);
}

export function bookClose(book: AccountBook, msg: PositionClosedMessage, risk: RiskConfig, now: number): AccountBook {
  const next = applyClose(book, { positionId: msg.positionId, exitPrice: msg.exitPrice, proceeds: msg.proceeds, exitFee: msg.exitFee, pnl: msg.pnl, at: msg.closedAt, exitKind: msg.exitKind }, risk);
  return next === book ? book : updateTradingState(next, risk, now);
}
