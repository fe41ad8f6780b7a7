import type { AccountBook } from "../account/ledger";
import type { EngineConfig } from "../config";
import type { Decision } from "../decide/decision";
import type { ModelAnswer, Usage } from "../decide/answer";
import type { MaterialMove } from "../gate/materiality";
import type { MarketSnapshot } from "../decide/snapshot-schema";
import type { LearnerState } from "../learn/state";
import type { Candle } from "../market/candle";
import type { Timeframe } from "../market/timeframe";
import type { PositionSide } from "../futures/side";
import type { DerivativesHistory } from "../market/derivatives";

export interface StampedRate {
  at: number;
  value: number;
}

/**
 * The model a backtest decides with instead of the rule pipeline, through the same decider and governor as the gate:
 * `claude` asks a model for each snapshot (the Messages API, or anything answering like it), `replay` answers from
 * a recording by snapshot hash. `hash` is the snapshot's `decisionKeyText` hashed as the gate hashes it.
 */
export type BacktestDecider =
  | {
      mode: "claude";
      ask: (seen: MarketSnapshot) => Promise<ModelAnswer>;
      /** Each accepted answer by its snapshot's hash (`--record`: the run can be replayed without calling again). */
      record?: (hash: string, decision: Decision) => void;
      hash: (snapshot: MarketSnapshot) => Promise<string>;
    }
  | { mode: "replay"; recorded: (hash: string, snapshot: MarketSnapshot) => Promise<unknown> | unknown; hash: (snapshot: MarketSnapshot) => Promise<string> };

export interface BacktestInput {
  /** Candles of `baseTimeframe` per unified symbol ("BTC/USDT"), ascending; the replay runs over these. */
  candles: Record<string, Candle[]>;
  baseTimeframe: Timeframe;
  /** Older candles per symbol and timeframe (warm-up for indicators and regimes), before the first base candle. */
  history?: Record<string, Partial<Record<Timeframe, Candle[]>>>;
  /** Settled funding per symbol, any range: only points at or before the engine time are ever read. */
  funding?: Record<string, StampedRate[]>;
  /** Open interest, taker and long/short ratios, basis and liquidations per symbol (ascending, any range; read as of the engine time). */
  derivatives?: Record<string, DerivativesHistory>;
  config: EngineConfig;
  initialCash: number;
  /** Seeds the learner's sampling, through the decision ids (`bt-<seed>-d<n>`). */
  seed: number;
  /** Names the decisions as the GateActor of this portfolio does (`<portfolio>-d<n>`), instead of by the seed: a run that replays a portfolio's day samples as it did. */
  portfolio?: string;
  /** Claude or the replay decider; the rule pipeline decides when absent. */
  decider?: BacktestDecider;
  /** Called every `progressEvery` base candles with the share done. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called after every decision and every 500 base candles; a promise it returns is awaited. The worker yields to
   * its event loop there, so a backtest run inside a request does not hold up the isolate's other requests.
   */
  cooperate?: () => Promise<void> | void;
}

export interface BacktestFill {
  clientOrderId: string;
  symbol: string;
  side: "buy" | "sell";
  /** The candle and the point of its path (0 open … 3 close) the fill happened at. */
  candleT: number;
  pathIndex: number;
  marketPrice: number;
  price: number;
  qty: number;
  fee: number;
  at: number;
}

export interface BacktestTrade {
  id: string;
  symbol: string;
  side: PositionSide;
  entryAt: number;
  exitAt: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  fees: number;
  pnl: number;
  pnlPct: number;
  exitKind: string;
  entryReason: string;
  exitReason: string;
  /** Futures trades: the funding settled over the trade (+ received, − paid; in `pnl`) and the leverage. */
  funding?: number;
}

/** One funding settlement of an open futures position in a backtest. */
export interface BacktestFundingPayment {
  positionId: string;
  symbol: string;
  side: PositionSide;
  /** The settlement time and the shipped rate then. */
  at: number;
  rate: number;
  /** The price the position was marked at (the replay's price at the settlement) and its notional there. */
  markPrice: number;
  qty: number;
  notional: number;
  /** Credited (+) or debited (−): −side × rate × notional. */
  amount: number;
}

export interface BacktestDecision {
  id: string;
  at: number;
  layer: string;
  reason: string;
  decider: string;
  failure: string | null;
  actions: { ticker: string; action: string; positionPct: number }[];
  /** Open positions the decision looked at (every decision sees them all). */
  reviewed: number;
  /** Whether a model was called, and what it used (cache reads included). */
  llmCalled: boolean;
  usage: Usage | null;
  /** Why the model was not asked although one decides this run (the day's budget, call cap or review share), or null. */
  note?: string | null;
}

export interface BacktestEquityPoint {
  t: number;
  equity: number;
  cash: number;
  exposure: number;
}

export interface BacktestResult {
  trades: BacktestTrade[];
  fills: BacktestFill[];
  decisions: BacktestDecision[];
  equity: BacktestEquityPoint[];
  book: AccountBook;
  learner: LearnerState;
  llmCostUsd: number;
  /** Every material move the replay found (src/lib/gate/materiality.ts), in order. */
  materialMoves: MaterialMove[];
  /** Futures: every funding settlement of an open position, in order (empty on spot). */
  fundingPayments: BacktestFundingPayment[];
  stats: { baseCandles: number; ticks: number; gateOpens: number; quantTrainings: number; regimeFits: number; movesAlreadyDecided: number; from: number; to: number };
}
