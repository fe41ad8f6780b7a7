import { dec } from "./intervals";
import { baseAsset, QUOTE_ASSET, stepSize, TICK_SIZE } from "./market-data";
import { MIN_NOTIONAL } from "./order-rules";

export const RATE_LIMITS = [
  { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
  { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
  { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
  { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
];

/** One `exchangeInfo` symbol entry; `orderTypes` lists the simulated order types. */
export function symbolInfo(symbol: string): unknown {
  const step = dec(stepSize(symbol));
  return {
    symbol,
    status: "TRADING",
    baseAsset: baseAsset(symbol),
    baseAssetPrecision: 8,
    quoteAsset: QUOTE_ASSET,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT"],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: dec(TICK_SIZE), maxPrice: dec(1_000_000), tickSize: dec(TICK_SIZE) },
      { filterType: "LOT_SIZE", minQty: step, maxQty: dec(9000), stepSize: step },
      { filterType: "MARKET_LOT_SIZE", minQty: step, maxQty: dec(9000), stepSize: step },
      {
        filterType: "NOTIONAL",
        minNotional: dec(MIN_NOTIONAL),
        applyMinToMarket: true,
        maxNotional: dec(9_000_000),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: ["SPOT"],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "NONE",
    allowedSelfTradePreventionModes: ["NONE"],
  };
}

export function exchangeInfo(symbols: readonly string[], serverTime: number): unknown {
  return {
    timezone: "UTC",
    serverTime,
    rateLimits: RATE_LIMITS,
    exchangeFilters: [],
    symbols: symbols.map(symbolInfo),
  };
}
