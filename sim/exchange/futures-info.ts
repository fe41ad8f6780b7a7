import { ApiError } from "./http-util";
import { isMultiple } from "./intervals";
import { baseAsset, QUOTE_ASSET, TICK_SIZE } from "./market-data";
import { RATE_LIMITS } from "./exchange-info";
import { MAINT_MARGIN_RATE, MAX_LEVERAGE } from "./futures-positions";

/**
 * USD-M contract specs: BTC and ETH with Binance's lot step and minimum notional, SOL with a finer step than Binance's.
 * Every contract ticks at 0.01 because the replay's spot prices carry cents (Binance's BTCUSDT perpetual ticks at 0.10).
 */
const SPECS: Record<string, { step: number; minNotional: number }> = {
  BTCUSDT: { step: 0.001, minNotional: 100 },
  ETHUSDT: { step: 0.001, minNotional: 20 },
  SOLUSDT: { step: 0.01, minNotional: 5 },
};
const MAX_QTY = 1000;

export function futuresSpec(symbol: string): { step: number; minNotional: number } {
  return SPECS[symbol] ?? { step: 0.001, minNotional: 5 };
}

const decimals = (x: number): number => Math.max(0, -Math.floor(Math.log10(x) + 1e-9));

/** Binance futures' checks of a new order's quantity and trigger price (codes and messages as Binance answers them). */
export function checkFuturesOrder(symbol: string, qty: number | undefined, stopPrice: number | undefined, price: number, reduceOnly: boolean): void {
  const { step, minNotional } = futuresSpec(symbol);
  if (stopPrice !== undefined && (stopPrice <= 0 || !isMultiple(stopPrice, TICK_SIZE))) throw new ApiError(400, -4014, "Price not increased by tick size.");
  if (qty === undefined) return;
  if (qty < step) throw new ApiError(400, -4003, "Quantity less than or equal to zero.");
  if (!isMultiple(qty, step)) throw new ApiError(400, -1111, "Precision is over the maximum defined for this asset.");
  if (qty > MAX_QTY) throw new ApiError(400, -4005, "Quantity greater than max quantity.");
  if (!reduceOnly && qty * (stopPrice ?? price) < minNotional) {
    throw new ApiError(400, -4164, `Order's notional must be no smaller than ${minNotional} (unless you choose reduce only).`);
  }
}

function contractInfo(symbol: string, onboardDate: number): unknown {
  const { step, minNotional } = futuresSpec(symbol);
  return {
    symbol,
    pair: symbol,
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate,
    status: "TRADING",
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: baseAsset(symbol),
    quoteAsset: QUOTE_ASSET,
    marginAsset: QUOTE_ASSET,
    pricePrecision: decimals(TICK_SIZE),
    quantityPrecision: decimals(step),
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: [],
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: String(TICK_SIZE), maxPrice: "1000000", tickSize: String(TICK_SIZE) },
      { filterType: "LOT_SIZE", minQty: String(step), maxQty: String(MAX_QTY), stepSize: String(step) },
      { filterType: "MARKET_LOT_SIZE", minQty: String(step), maxQty: String(MAX_QTY), stepSize: String(step) },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
      { filterType: "MIN_NOTIONAL", notional: String(minNotional) },
      { filterType: "PERCENT_PRICE", multiplierUp: "1.0500", multiplierDown: "0.9500", multiplierDecimal: "4" },
    ],
    orderTypes: ["MARKET", "STOP_MARKET"],
    timeInForce: ["GTC"],
    permissionSets: ["GRID", "COPY"],
  };
}

/** `GET /fapi/v1/exchangeInfo`: the session's symbols as USDT-margined perpetuals. */
export function futuresExchangeInfo(symbols: readonly string[], serverTime: number): unknown {
  return {
    timezone: "UTC",
    serverTime,
    futuresType: "U_MARGINED",
    rateLimits: RATE_LIMITS.map((r) => (r.rateLimitType === "REQUEST_WEIGHT" ? { ...r, limit: 2400 } : r)),
    exchangeFilters: [],
    assets: [{ asset: QUOTE_ASSET, marginAvailable: true, autoAssetExchange: "-10000" }],
    symbols: symbols.map((s) => contractInfo(s, 1569398400000)),
  };
}

/** `GET /fapi/v1/leverageBracket` entry: one bracket, the simulator's flat maintenance margin rate and no maintenance amount. */
export function leverageBracket(symbol: string): unknown {
  return {
    symbol,
    notionalCoef: 1,
    brackets: [{ bracket: 1, initialLeverage: MAX_LEVERAGE, notionalCap: 1_000_000_000, notionalFloor: 0, maintMarginRatio: MAINT_MARGIN_RATE, cum: 0 }],
  };
}
