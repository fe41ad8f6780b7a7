/**
 * Settled funding rates a decision sees per ticker, the newest at or before its time: the TickerActor
 * polls this many, and the backtester hands each decision this many.
 */
export const FUNDING_SETTLEMENTS_SEEN = 10;
