/** Instance names of the actors (DESIGN section 3). */
export const actorName = {
  ticker: (venue: string, symbol: string) => `ticker:${venue}:${exchangeSymbol(symbol)}`,
  gate: (portfolio: string) => `gate:${portfolio}`,
  account: (portfolio: string) => `account:${portfolio}`,
  position: (portfolio: string, id: string) => `position:${portfolio}:${id}`,
  learner: (portfolio: string) => `learner:${portfolio}`,
  stream: (portfolio: string) => `stream:${portfolio}`,
  userStream: (portfolio: string) => `user-stream:${portfolio}`,
  notifier: (portfolio: string) => `notifier:${portfolio}`,
};

/** "BTC/USDT" -> "BTCUSDT", the exchange's own spelling. */
export function exchangeSymbol(symbol: string): string {
  return symbol.replace("/", "");
}

export { baseAssetOf as baseAsset } from "../lib/util/symbols";
