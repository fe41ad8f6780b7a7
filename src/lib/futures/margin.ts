import { direction, type PositionSide } from "./side";

/**
 * Isolated-margin arithmetic of a USD-M perpetual position (one-way mode, one position per symbol), as Binance
 * computes it without the tier's maintenance amount: margin posted, where the exchange liquidates, and what a
 * funding settlement moves. Pure; every price is in quote per unit of base.
 */

export interface MarginPosition {
  side: PositionSide;
  qty: number;
  entryPrice: number;
  leverage: number;
  /** Funding credited (+) or debited (−) to the position so far: it sits in the isolated margin. */
  funding?: number;
}

/** The margin an entry of `notional` posts at `leverage`. */
export function initialMargin(notional: number, leverage: number): number {
  return notional / leverage;
}

/** The isolated margin now: the initial margin plus the funding settled into it. */
export function isolatedMargin(p: MarginPosition): number {
  return initialMargin(p.qty * p.entryPrice, p.leverage) + (p.funding ?? 0);
}

/**
 * The mark price at which the exchange liquidates: where margin + unrealized P&L falls to the maintenance margin
 * (`mmr` × the notional at that price). From M + s·q·(P − E) = mmr·q·P: P = (M − s·q·E) / (mmr·q − s·q).
 */
export function liquidationPrice(p: MarginPosition, mmr: number): number {
  const s = direction(p.side);
  const price = (isolatedMargin(p) - s * p.qty * p.entryPrice) / (mmr * p.qty - s * p.qty);
  return Math.max(0, price);
}

/** The price at which the isolated margin is all lost (margin + unrealized P&L = 0). */
export function bankruptcyPrice(p: MarginPosition): number {
  return Math.max(0, p.entryPrice - (direction(p.side) * isolatedMargin(p)) / p.qty);
}

/** Whether `markPrice` has reached the liquidation price. */
export function liquidates(p: MarginPosition, markPrice: number, mmr: number): boolean {
  const at = liquidationPrice(p, mmr);
  return p.side === "long" ? markPrice <= at : markPrice >= at;
}

/**
 * One funding settlement for a position: longs pay shorts when the rate is positive, on the notional at the mark
 * price. Positive: credited to the position; negative: debited.
 */
export function fundingPayment(side: PositionSide, qty: number, markPrice: number, rate: number): number {
  return -direction(side) * qty * markPrice * rate;
}

/** The fraction of the entry price between the entry and the liquidation price (how far the market must go against it). */
export function liquidationDistance(p: MarginPosition, mmr: number): number {
  return Math.abs(liquidationPrice(p, mmr) / p.entryPrice - 1);
}
