import type { EngineConfig } from "../config";
import { reviewOutcome } from "../exits/position-evaluator";
import { reviewFactsFrom } from "../exits/review-facts";
import { paperBroker, pricePosition } from "../execution/brokers";
import { applyReview, reviewDue, type PositionState } from "../execution/position";
import type { Candle } from "../market/candle";
import type { BacktestFill } from "./types";

/** Where a review reads its candles: built once per symbol, asked only when a review is due. */
export interface ReviewData {
  decisionCandles(at: number): readonly Candle[];
  btcHourly(at: number): readonly Candle[];
}

/**
 * One market price for one position, as the PositionActor handles it: the paper broker fills the order
 * waiting for a price at it, the safety layer runs, a due review runs (the 5-signal evaluator), and the
 * broker takes any order written as intent, to fill at the next price. `risk`: why a kept position is at risk (the
 * gate then wakes the decider), as the GateActor's review answers it.
 */
export function stepPosition(
  pos: PositionState,
  price: number,
  at: number,
  where: { candleT: number; pathIndex: number },
  cfg: EngineConfig,
  review: ReviewData,
): { pos: PositionState; fill: BacktestFill | null; reviewed: boolean; risk: string | null } {
  const broker = paperBroker(cfg.paper);
  const priced = pricePosition(broker, pos, price, at, cfg.exits);
  const f = priced.filled;
  const fill: BacktestFill | null = f
    ? {
        clientOrderId: f.order.clientOrderId,
        symbol: pos.symbol,
        side: f.order.side,
        candleT: where.candleT,
        pathIndex: where.pathIndex,
        marketPrice: price,
        price: f.fill.price,
        qty: f.fill.qty,
        fee: f.fill.fee,
        at,
      }
    : null;
  let next = priced.state;
  let risk: string | null = null;
  let reviewed = false;
  if (reviewDue(next, at, cfg.exits.reviewIntervalMs) && next.openedAt !== null) {
    const { facts } = reviewFactsFrom(
      { side: next.side, entryPrice: next.entryPrice, peakPrice: next.peakPrice, lastPrice: price, openedAt: next.openedAt, at, entryContext: next.entryContext },
      review.decisionCandles(at),
      review.btcHourly(at),
      cfg.gate.decisionTimeframe,
      cfg.strategy.trendingEfficiency,
    );
    const r = reviewOutcome(facts, cfg.exits);
    risk = r.risk;
    reviewed = r.action !== "EXIT";
    next = applyReview(next, r, at);
  }
  return { pos: broker.submit(next, at), fill, reviewed, risk };
}
