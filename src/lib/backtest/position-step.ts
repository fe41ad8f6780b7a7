import type { EngineConfig } from "../config";
import { evaluatePosition } from "../exits/position-evaluator";
import { reviewFactsFrom } from "../exits/review-facts";
import { paperFill } from "../execution/paper-fill";
import { applyFill, markReviewed, markSubmitted, observePrice, orderAwaitingFill, orderAwaitingSubmit, requestExit, reviewDue, type PositionState } from "../execution/position";
import type { Candle } from "../market/candle";
import type { BacktestFill } from "./types";

/** Where a review reads its candles: built once per symbol, asked only when a review is due. */
export interface ReviewData {
  decisionCandles(at: number): readonly Candle[];
  btcHourly(at: number): readonly Candle[];
}

/**
 * One market price for one position, as the PositionActor handles it: the order waiting for a price
 * fills at it (paper broker), the safety layer runs, a due review runs (the 5-signal evaluator), and
 * any order written as intent is submitted, to fill at the next price.
 */
export function stepPosition(
  pos: PositionState,
  price: number,
  at: number,
  where: { candleT: number; pathIndex: number },
  cfg: EngineConfig,
  review: ReviewData,
): { pos: PositionState; fill: BacktestFill | null } {
  let next = pos;
  let fill: BacktestFill | null = null;
  const waiting = orderAwaitingFill(next);
  if (waiting) {
    const f = paperFill(waiting, price, at, cfg.paper);
    next = applyFill(next, waiting.clientOrderId, f);
    fill = { clientOrderId: waiting.clientOrderId, symbol: pos.symbol, side: waiting.side, candleT: where.candleT, pathIndex: where.pathIndex, marketPrice: price, price: f.price, qty: f.qty, fee: f.fee, at };
  }
  next = observePrice(next, price, at, cfg.exits);
  if (reviewDue(next, at, cfg.exits.reviewIntervalMs) && next.openedAt !== null) {
    const { facts } = reviewFactsFrom(
      { entryPrice: next.entryPrice, peakPrice: next.peakPrice, lastPrice: price, openedAt: next.openedAt, at, entryContext: next.entryContext },
      review.decisionCandles(at),
      review.btcHourly(at),
      cfg.gate.decisionTimeframe,
      cfg.strategy.trendingEfficiency,
    );
    const r = evaluatePosition(facts, cfg.exits);
    next = markReviewed(next, at);
    if (r.action === "EXIT") next = requestExit(next, "review", `review (rule:5-signal): ${r.reason}`, at);
  }
  const intent = orderAwaitingSubmit(next);
  if (intent) next = markSubmitted(next, intent.clientOrderId, at);
  return { pos: next, fill };
}
