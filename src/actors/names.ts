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

/** The portfolio a singleton actor serves, from its instance name (`<prefix>:<portfolio>`); null when it has none. */
export function portfolioOfName(prefix: "stream" | "learner", name: string | undefined): string | null {
  return name?.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : null;
}

/** "BTC/USDT" -> "BTCUSDT", the exchange's own spelling. */
export function exchangeSymbol(symbol: string): string {
  return symbol.replace("/", "");
}

export { baseAssetOf as baseAsset } from "../lib/util/symbols";
