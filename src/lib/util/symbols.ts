/** "BTC/USDT" -> "BTC". */
export function baseAssetOf(symbol: string): string {
  return symbol.split("/")[0] ?? symbol;
}
