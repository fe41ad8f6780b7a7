import type { Candle } from "../lib/market/candle";
import type { Timeframe } from "../lib/market/timeframe";
import type { EntryContext } from "../lib/execution/position";

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

export interface EntryRequestMessage {
  decisionId: string;
  /** Engine time of the decision. */
  at: number;
  symbol: string;
  positionPct: number;
  agent: string;
  reason: string;
  /** The market at entry, for the position's later reviews. */
  entryContext?: EntryContext | null;
}

export interface ExitRequestMessage {
  decisionId: string;
  at: number;
  symbol: string;
  reason: string;
}

export interface EntryFilledMessage {
  positionId: string;
  symbol: string;
  qty: number;
  price: number;
  fee: number;
  at: number;
}

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
}

export interface StreamEvent {
  type: string;
  ts: number;
  data: unknown;
}
