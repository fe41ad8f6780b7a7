import { stopMove, type MaterialMove } from "../gate/materiality";
import { assetsOf } from "../util/symbols";
import { soldSoFar } from "./exchange-orders";
import type { PositionState } from "./position";
import { episodeOf } from "../memory/episodes";
import type { Episode } from "../memory/episode-schema";
import type { PositionSide, Venue } from "../futures/side";

/** A position's entry filled: what the account books. */
export interface EntryFilledMessage {
  positionId: string;
  symbol: string;
  qty: number;
  price: number;
  fee: number;
  at: number;
}

/** A futures position's funding settlement: `total` is all the funding settled over its life so far (the book sets it). */
export interface FundingSettledMessage {
  positionId: string;
  symbol: string;
  /** What this settlement moved (+ received, − paid) and the total after it. */
  amount: number;
  total: number;
  at: number;
  /** The venue booked it after the position had closed here (a settlement just before the close): `amount` goes to cash. */
  afterClose?: boolean;
}

/** A position's entry that never filled: the account releases its reservation. */
export interface EntryFailedMessage {
  positionId: string;
  reason: string;
}

/** A position's close: what the account books, the learner learns from and the trade record keeps. */
export interface PositionClosedMessage {
  positionId: string;
  symbol: string;
  agent: string;
  decisionId: string;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  proceeds: number;
  exitFee: number;
  fees: number;
  pnl: number;
  pnlPct: number;
  openedAt: number;
  closedAt: number;
  exitKind: string;
  exitReason: string;
  /** The regime key and per-agent signals at entry: what the learner credits or blames. */
  regimeKey: string | null;
  agentSignals: Record<string, number>;
  /** The closed episode (market at entry, outcome, reflection) later decisions may recall; the learner keeps the newest. */
  episode?: Episode | null;
  /** Absent on a spot long. */
  side?: PositionSide;
  venue?: Venue;
  /** Futures: the funding settled over the position's life (in `pnl`). */
  funding?: number;
  /** A leg of a position group (the funding carry), by the group's id. */
  group?: string;
}

/**
 * What a position's step from `before` to `after` tells the rest of the engine: the entry's fill or failure for the
 * account, the close for the account and the learner, a safety stop for the gate (a material move). The
 * PositionActor mails these; the backtester applies them in its loop: one reading of a position's outcome.
 */
export interface PositionReports {
  entryFilled: EntryFilledMessage | null;
  entryFailed: EntryFailedMessage | null;
  closed: PositionClosedMessage | null;
  stop: MaterialMove | null;
  /** A funding settlement the step applied (before a close in the same step, if any). */
  funding: FundingSettledMessage | null;
}

const NONE: PositionReports = { entryFilled: null, entryFailed: null, closed: null, stop: null, funding: null };

/** `now`: the engine time a close without its own time is stamped with. */
export function positionReports(before: PositionState | null, after: PositionState, now: number): PositionReports {
  // The same status and the same orders (a price that changed neither): no fill, failure or close can be new.
  if (before === after) return NONE;
  const funding = fundingNow(before, after);
  if (before !== null && before.status === after.status && before.orders === after.orders) return funding ? { ...NONE, funding } : NONE;
  const entryFilled = entryFilledNow(before, after);
  const entryFailed = before?.status !== "failed" && after.status === "failed" ? { positionId: after.id, reason: after.exitReason ?? "entry failed" } : null;
  const closed = before?.status !== "closed" && after.status === "closed" ? closedMessage(after, now) : null;
  const stop = closed ? stopMove(after.symbol, after.exitKind, closed.closedAt, closed.exitReason) : null;
  if (!entryFilled && !entryFailed && !closed && !funding) return NONE;
  return { entryFilled, entryFailed, closed, stop, funding };
}

function fundingNow(before: PositionState | null, after: PositionState): FundingSettledMessage | null {
  if (after.venue !== "futures" || after.lastFundingAt == null || after.lastFundingAt === before?.lastFundingAt) return null;
  const total = after.funding ?? 0;
  const msg: FundingSettledMessage = { positionId: after.id, symbol: after.symbol, amount: total - (before?.funding ?? 0), total, at: after.lastFundingAt };
  if (before?.status === "closed" && after.status === "closed") msg.afterClose = true;
  return msg;
}

function entryFilledNow(before: PositionState | null, after: PositionState): EntryFilledMessage | null {
  const filled = after.orders.some((o) => o.purpose === "entry" && o.status === "filled" && before?.orders.find((b) => b.clientOrderId === o.clientOrderId)?.status !== "filled");
  if (!filled) return null;
  return { positionId: after.id, symbol: after.symbol, qty: after.qty, price: after.entryPrice, fee: after.entryFee, at: after.openedAt ?? after.createdAt };
}

/**
 * The close as booked: proceeds are the exchange's sells (dust left behind included in the cost) or the paper fill
 * of the whole quantity; `pnlPct` is the net PnL over the cost with the entry fee.
 */
export function closedMessage(p: PositionState, now: number): PositionClosedMessage {
  const cost = p.qty * p.entryPrice;
  const sold = p.venue === "futures" ? { qty: 0, quote: 0 } : soldSoFar(p, assetsOf(p.symbol));
  const proceeds = sold.qty > 0 ? sold.quote : p.qty * (p.exitPrice ?? 0);
  const futures = p.venue === "futures" ? { side: p.side ?? "long", venue: "futures" as const, funding: p.funding ?? 0 } : null;
  const message: PositionClosedMessage = {
    positionId: p.id,
    symbol: p.symbol,
    agent: p.agent,
    decisionId: p.decisionId,
    qty: p.qty,
    entryPrice: p.entryPrice,
    exitPrice: p.exitPrice ?? 0,
    proceeds,
    exitFee: p.exitFee,
    fees: p.entryFee + p.exitFee,
    pnl: p.pnl ?? 0,
    pnlPct: cost > 0 ? (p.pnl ?? 0) / (cost + p.entryFee) : 0,
    openedAt: p.openedAt ?? p.createdAt,
    closedAt: p.closedAt ?? now,
    exitKind: p.exitKind ?? "unknown",
    exitReason: p.exitReason ?? "",
    regimeKey: p.entryContext?.regimeKey ?? null,
    agentSignals: p.entryContext?.agentSignals ?? {},
    episode: episodeOf(p),
  };
  if (futures) Object.assign(message, futures);
  if (p.group !== undefined) message.group = p.group;
  return message;
}
