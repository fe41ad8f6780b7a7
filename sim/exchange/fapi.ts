import type { FundingPoint } from "../data/candles";
import { basisAt, liquidationsIn, longShortRatioAt, openInterestAt, STAT_PERIODS, takerRatioAt } from "../data/derivatives";
import { selectSymbols, symbolParam, type MarketContext } from "./context";
import { ApiError, errors, int, limitParam, ok, required, type ApiRequest, type ApiResponse } from "./http-util";
import { futuresExchangeInfo } from "./futures-info";
import { dec } from "./intervals";
import { firstIndex, fundingOf } from "./market-data";

const EIGHT_HOURS = 28_800_000;

/** Funding points of `symbol` at or before T. */
function visibleFunding(symbol: string, T: number): FundingPoint[] {
  const all = fundingOf(symbol);
  return all.slice(
    0,
    firstIndex(all.length, (i) => all[i]!.t > T),
  );
}

function fundingRate(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const { symbols } = selectSymbols(ctx, p, undefined);
  const start = int(p, "startTime");
  const end = int(p, "endTime");
  if (start !== undefined && end !== undefined && start > end) throw errors.startAfterEnd();
  const limit = limitParam(p, 100, 1000);
  const rows = symbols
    .flatMap((symbol) => visibleFunding(symbol, ctx.now()).map((f) => ({ symbol, f })))
    .filter(({ f }) => (start === undefined || f.t >= start) && (end === undefined || f.t <= end))
    .sort((a, b) => a.f.t - b.f.t);
  // Binance: from startTime ascending when given, otherwise the most recent `limit`.
  const picked = start !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
  return ok(picked.map(({ symbol, f }) => ({ symbol, fundingTime: f.t, fundingRate: dec(f.rate), markPrice: "" })));
}

/**
 * Index price = the replay's spot price; the mark price is the index moved by the SYNTHETIC basis (sim/data/derivatives.ts,
 * labelled `synthetic`); funding fields from the shipped history up to T.
 */
function premiumIndex(ctx: MarketContext, symbol: string): unknown {
  const T = ctx.now();
  const all = fundingOf(symbol);
  const visible = visibleFunding(symbol, T);
  const last = visible[visible.length - 1];
  const next = all[visible.length]?.t ?? (last ? last.t + EIGHT_HOURS : T);
  const index = ctx.price(symbol);
  const price = dec(index);
  return {
    symbol,
    markPrice: dec(index * (1 + basisAt(symbol, T))),
    indexPrice: price,
    estimatedSettlePrice: price,
    synthetic: true,
    lastFundingRate: dec(last?.rate ?? 0),
    interestRate: dec(0.0001),
    nextFundingTime: next,
    time: T,
  };
}

/** The periods of a /futures/data statistic up to T: `limit` of them, the last one ending at or before T (Binance: max 500, 30 by default). */
function statPeriods(ctx: MarketContext, p: Record<string, string>): { symbol: string; starts: number[]; ms: number } {
  const symbol = symbolParam(ctx, p);
  const period = required(p, "period");
  const ms = STAT_PERIODS[period];
  if (ms === undefined) throw new ApiError(400, -1120, "Invalid period.");
  const limit = limitParam(p, 30, 500);
  const start = int(p, "startTime");
  const end = Math.min(int(p, "endTime") ?? Infinity, ctx.now());
  if (start !== undefined && start > end) throw errors.startAfterEnd();
  // A period counts once it has ended by T (`end`).
  const lastStart = Math.floor(end / ms) * ms - ms;
  const starts: number[] = [];
  if (start !== undefined) {
    for (let t = Math.ceil(start / ms) * ms; t <= lastStart && starts.length < limit; t += ms) starts.push(t);
  } else {
    for (let t = lastStart; starts.length < limit && t >= 0; t -= ms) starts.unshift(t);
  }
  return { symbol, starts, ms };
}

/** SYNTHETIC open interest history (sim/data/derivatives.ts): each period's value at its end. */
function openInterestHist(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const { symbol, starts, ms } = statPeriods(ctx, p);
  return ok(
    starts.map((t) => {
      const oi = openInterestAt(symbol, t + ms - 1);
      return { symbol, sumOpenInterest: dec(oi), sumOpenInterestValue: dec(oi * ctx.price(symbol)), timestamp: t + ms, synthetic: true };
    }),
  );
}

/** SYNTHETIC taker buy/sell volume (sim/data/derivatives.ts): the 5-minute ratios of each period, multiplied. */
function takerRatio(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const { symbol, starts, ms } = statPeriods(ctx, p);
  return ok(
    starts.map((t) => {
      let ratio = 1;
      for (let k = t; k < t + ms; k += STAT_PERIODS["5m"]!) ratio *= takerRatioAt(symbol, k);
      const sellVol = 100;
      return { buySellRatio: dec(ratio), buyVol: dec(ratio * sellVol), sellVol: dec(sellVol), timestamp: t + ms, synthetic: true };
    }),
  );
}

/** SYNTHETIC top traders' long/short position ratio (sim/data/derivatives.ts). */
function topLongShort(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const { symbol, starts, ms } = statPeriods(ctx, p);
  return ok(
    starts.map((t) => {
      const ratio = longShortRatioAt(symbol, t + ms - 1);
      const long = ratio / (1 + ratio);
      return { symbol, longShortRatio: dec(ratio), longAccount: dec(long), shortAccount: dec(1 - long), timestamp: t + ms, synthetic: true };
    }),
  );
}

/** SYNTHETIC forced orders (sim/data/derivatives.ts) in [startTime, endTime], newest `limit` (Binance: 1 h back by default). */
function forceOrders(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const symbol = symbolParam(ctx, p);
  const T = ctx.now();
  const end = Math.min(int(p, "endTime") ?? T, T);
  const start = int(p, "startTime") ?? end - 3_600_000;
  if (start > end) throw errors.startAfterEnd();
  const limit = limitParam(p, 50, 100);
  const price = dec(ctx.price(symbol));
  return ok(
    liquidationsIn(symbol, start, end + 1)
      .slice(-limit)
      .map((l) => ({
        symbol,
        price,
        origQty: dec(l.qty),
        executedQty: dec(l.qty),
        averagePrice: price,
        status: "FILLED",
        timeInForce: "IOC",
        type: "LIMIT",
        side: l.side,
        time: l.at,
        synthetic: true,
      })),
  );
}

/** USD-M futures data endpoints under `/fapi/v1/` and `/futures/data/` (routed as `data/<name>`). */
export function handleFapi(ctx: MarketContext, req: ApiRequest): ApiResponse | undefined {
  if (req.method !== "GET") return undefined;
  if (req.path === "openInterest") {
    const symbol = symbolParam(ctx, req.params);
    return ok({ openInterest: dec(openInterestAt(symbol, ctx.now())), symbol, time: ctx.now(), synthetic: true });
  }
  if (req.path === "data/openInterestHist") return openInterestHist(ctx, req.params);
  if (req.path === "data/takerlongshortRatio") return takerRatio(ctx, req.params);
  if (req.path === "data/topLongShortPositionRatio") return topLongShort(ctx, req.params);
  if (req.path === "allForceOrders") return forceOrders(ctx, req.params);
  if (req.path === "fundingRate") return fundingRate(ctx, req.params);
  if (req.path === "premiumIndex") {
    const sel = selectSymbols(ctx, req.params, undefined);
    return ok(sel.one ? premiumIndex(ctx, sel.symbols[0]!) : sel.symbols.map((s) => premiumIndex(ctx, s)));
  }
  if (req.path === "exchangeInfo") return ok(futuresExchangeInfo(ctx.symbols, ctx.now()));
  if (req.path === "ping") return ok({});
  if (req.path === "time") return ok({ serverTime: ctx.now() });
  return undefined;
}
