/** "BTC/USDT" -> "BTC". */
export function baseAssetOf(symbol: string): string {
  return symbol.split("/")[0] ?? symbol;
}

/** The assets of a symbol, for valuing fees ("BTC/USDT" → BTC and USDT). */
export function assetsOf(symbol: string): { base: string; quote: string } {
  return { base: baseAssetOf(symbol), quote: symbol.split("/")[1] ?? "USDT" };
}
