import type { Candle } from "../lib/market/candle";
import type { Timeframe } from "../lib/market/timeframe";
import type { BrokerReport } from "../lib/execution/exchange-orders";

/** A price update a TickerActor pushes to the gate on every valid kline frame. */
export interface MarketTick {
  symbol: string;
  price: number;
  at: number;
  zRet: number;
  zVol: number;
}

/** A candle of `tf` that closed, pushed durably (mailbox) to the gate. */
export interface CandleClosed {
  symbol: string;
  tf: Timeframe;
  candle: Candle;
  at: number;
}

export interface PriceUpdate {
  price: number;
  at: number;
  /** The market's recent funding settlements at or before `at` (ascending): a futures position settles those due. */
  funding?: readonly { at: number; value: number }[];
}

export interface TickerSetup {
  portfolio: string;
  venue: string;
  symbol: string;
  feedWsUrl: string;
  restUrl: string;
  /** USD-M futures REST base for derivatives context (funding); the spot base when it serves both. */
  futuresRestUrl?: string;
}

export type { EntryRequest as EntryRequestMessage, ExitRequest as ExitRequestMessage } from "../lib/decide/decision-cycle";

export type { EntryFailedMessage, EntryFilledMessage, FundingSettledMessage, PositionClosedMessage } from "../lib/execution/position-reports";

export interface StreamEvent {
  type: string;
  ts: number;
  data: unknown;
  /** Unique per emitting actor (`<actor>:<n>`): the stream numbers an event once however often it is published. */
  id?: string;
}

/** An operator's request to the account: who (the X-Operator header, or "api") and why. */
export interface OperatorRequest {
  by: string;
  reason: string;
}

export interface KillRequest extends OperatorRequest {
  /** Also exit every position at the market. */
  flatten?: boolean;
}

export interface ForceExitRequest extends OperatorRequest {
  /** One position, or null for every position in the book. */
  positionId: string | null;
}

/** The reconciliation's report of an unclear difference between the exchange and the book. */
export interface ReducingRequest {
  reason: string;
  detail?: unknown;
}

/** Mailed by the account to a PositionActor's `operatorCommand` ("release" ends a kill's hold, on resume). */
export interface OperatorCommand {
  kind: "cancel_orders" | "exit" | "release";
  reason: string;
  by: string;
}

/** One operator (or reconciliation) action, as kept by the account and written to D1 `operator_actions`. */
export interface OperatorAction {
  id: string;
  /** Engine time. */
  at: number;
  action: "pause" | "resume" | "kill" | "force_exit" | "exit_all" | "enter_reducing";
  by: string;
  reason: string;
  detail: unknown;
}

/**
 * One order event of the venue's user-data stream, mailed stream → account → the positions of its symbol;
 * the position that owns the client order id applies it like a polled report.
 */
export interface ExecutionReportMessage {
  /** The stream's own count of the reports it forwarded: keys the mail, never reused. */
  seq: number;
  clientOrderId: string;
  /** The exchange's spelling, e.g. BTCUSDT. */
  symbol: string;
  report: BrokerReport;
}

/** What the account hands its UserStreamActor: whose stream, and the REST base of the venue its broker trades on. */
export interface UserStreamSetup {
  portfolio: string;
  restUrl: string;
}
