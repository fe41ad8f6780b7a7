export type { DrawdownPeriod, EquityPoint, Metrics, PricePoint, SummaryInput, TradeRecord } from "./types";
export { summarize } from "./summary";
export { DAY_MS, dailyCloses, dailyReturns, type DailyClose } from "./daily-returns";
export { returnStats, type ReturnStats } from "./return-stats";
export { drawdowns, type Drawdowns } from "./drawdown";
export { tradeStats, type TradeStats } from "./trade-stats";
export { exposure } from "./exposure";
export { basketReturn, buyAndHoldReturn, priceAt } from "./benchmark";
export {
  deflatedSharpe,
  expectedMaxSharpe,
  probabilisticSharpe,
  psrFromMoments,
  sharpeMoments,
  type DeflatedSharpe,
  type SharpeMoments,
} from "./deflated-sharpe";
export { probabilityOfBacktestOverfitting, type PboResult } from "./pbo";
export { normalCdf, normalQuantile } from "./normal";
