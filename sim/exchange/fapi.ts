import type { FundingPoint } from "../data/candles";
import { selectSymbols, type MarketContext } from "./context";
import { errors, int, limitParam, ok, type ApiRequest, type ApiResponse } from "./http-util";
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

/** Mark/index price = current replay spot price; funding fields from the shipped history up to T. */
function premiumIndex(ctx: MarketContext, symbol: string): unknown {
  const T = ctx.now();
  const all = fundingOf(symbol);
  const visible = visibleFunding(symbol, T);
  const last = visible[visible.length - 1];
  const next = all[visible.length]?.t ?? (last ? last.t + EIGHT_HOURS : T);
  const price = dec(ctx.price(symbol));
  return {
    symbol,
    markPrice: price,
    indexPrice: price,
    estimatedSettlePrice: price,
    lastFundingRate: dec(last?.rate ?? 0),
    interestRate: dec(0.0001),
    nextFundingTime: next,
    time: T,
  };
}

/** USD-M futures data endpoints under `/fapi/v1/`. */
export function handleFapi(ctx: MarketContext, req: ApiRequest): ApiResponse | undefined {
  if (req.method !== "GET") return undefined;
  if (req.path === "fundingRate") return fundingRate(ctx, req.params);
  if (req.path === "premiumIndex") {
    const sel = selectSymbols(ctx, req.params, undefined);
    return ok(sel.one ? premiumIndex(ctx, sel.symbols[0]!) : sel.symbols.map((s) => premiumIndex(ctx, s)));
  }
  if (req.path === "ping") return ok({});
  if (req.path === "time") return ok({ serverTime: ctx.now() });
  return undefined;
}
