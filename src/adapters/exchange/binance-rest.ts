import { z } from "zod";
import type { Candle } from "../../lib/market/candle";
import { binanceRequestWeight } from "../../lib/execution/rate-budget";
import { HttpTimeoutError } from "./http-timeout";
import { governedFetch, RateLimitedError, venueOfRestUrl } from "./rate-governor";

const MINUTE = 60_000;
/** Binance's largest klines page. */
const KLINE_PAGE = 1000;

const decimal = z.string().refine((s) => Number.isFinite(Number(s)), "not a decimal");
const KlineRowSchema = z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal, z.number().int()]).rest(z.unknown());
const KlinesSchema = z.array(KlineRowSchema);
const TimeSchema = z.object({ serverTime: z.number().int() });
const PriceSchema = z.object({ symbol: z.string(), price: decimal });
const FundingSchema = z.array(z.object({ symbol: z.string(), fundingTime: z.number().int(), fundingRate: decimal }));
const ErrorBodySchema = z.object({ code: z.number(), msg: z.string() });
/** Past any venue's funding cap (Binance's highest is 3 % an interval): a rate beyond it is a broken answer. */
const MAX_FUNDING_RATE = 0.05;
/** Binance writes these statistics' timestamps as numbers or as numeric strings; either is taken. */
const stamp = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);
const synthetic = z.boolean().optional();
const OpenInterestHistSchema = z.array(z.object({ sumOpenInterest: decimal, timestamp: stamp, synthetic }));
const TakerRatioSchema = z.array(z.object({ buySellRatio: decimal, timestamp: stamp, synthetic }));
const LongShortSchema = z.array(z.object({ longShortRatio: decimal, timestamp: stamp, synthetic }));
const PremiumIndexSchema = z.object({ markPrice: decimal, indexPrice: decimal, time: z.number().int(), synthetic });
const ForceOrdersSchema = z.array(z.object({ side: z.enum(["BUY", "SELL"]), executedQty: decimal, averagePrice: decimal, time: z.number().int(), synthetic }));

/** A derivatives series as read: its points, and whether its source labels them synthetic. */
export interface DerivativesRead<T> {
  points: T[];
  synthetic: boolean;
}
const ExchangeInfoSchema = z.object({ symbols: z.array(z.object({ symbol: z.string(), status: z.string() })) });

export interface RestKline {
  candle: Candle;
  closeTime: number;
}

/** Why a REST answer was not used; counted per reason by the caller (the ticker's feed health). */
export type RestRejectReason = "rate_limited" | "banned" | "stopped" | "timeout" | "network" | "http_error" | "invalid_json" | "bad_shape" | "out_of_bounds";

export class ExchangeRestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly reason: RestRejectReason = "http_error",
  ) {
    super(message);
  }

  /** An operator must know: the venue banned us (418) or refuses us for legal reasons (451). */
  get alert(): boolean {
    return this.reason === "banned" || this.reason === "stopped";
  }
}

function refusalReason(err: RateLimitedError): RestRejectReason {
  return err.reason === "banned" || err.reason === "stopped" ? err.reason : "rate_limited";
}

function statusReason(status: number): RestRejectReason {
  return status === 418 ? "banned" : status === 451 ? "stopped" : status === 429 ? "rate_limited" : "http_error";
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Public Binance spot REST (klines, time, price) with zod-validated answers, a timeout on every call
 * and the venue's rate governor: a 429 or 418 seen by any call (a client made anew included, and ccxt's
 * order calls) stops every call to that exchange until its Retry-After or ban has passed.
 */
export class BinanceRest {
  usedWeight = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly now: () => number = () => Date.now(),
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
    private readonly bounds: { maxPrice: number; maxVolume: number } = { maxPrice: 1e9, maxVolume: 1e15 },
  ) {}

  /** A client of the REST base `url` (a trailing slash ignored) that abandons each call after `timeoutMs`. */
  static at(url: string, timeoutMs: number): BinanceRest {
    return new BinanceRest(url.replace(/\/$/, ""), undefined, timeoutMs);
  }

  private async get<T>(path: string, params: Record<string, string | number | undefined>, schema: z.ZodType<T>): Promise<T> {
    const qs = Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    const url = `${this.baseUrl}${path}${qs ? `?${qs}` : ""}`;
    let res: Response;
    let text: string;
    try {
      res = await governedFetch(venueOfRestUrl(this.baseUrl), url, { method: "GET" }, { timeoutMs: this.timeoutMs, weight: binanceRequestWeight("GET", url), now: this.now });
      text = await res.text();
    } catch (err) {
      if (err instanceof RateLimitedError) throw new ExchangeRestError(`REST paused by rate limit: ${err.message}`, 429, -1003, refusalReason(err));
      if (err instanceof HttpTimeoutError) throw new ExchangeRestError(`${path} timed out after ${this.timeoutMs} ms`, 0, null, "timeout");
      throw new ExchangeRestError(`${path} failed: ${err instanceof Error ? err.message : String(err)}`, 0, null, "network");
    }
    const weight = Number(res.headers.get("x-mbx-used-weight-1m"));
    if (Number.isFinite(weight)) this.usedWeight = weight;
    if (!res.ok) {
      let code: number | null = null;
      let msg = text.slice(0, 200);
      try {
        const body = ErrorBodySchema.safeParse(JSON.parse(text));
        if (body.success) ({ code, msg } = body.data);
      } catch {
        // non-JSON error page: keep the text
      }
      throw new ExchangeRestError(`${path} failed with HTTP ${res.status}: ${msg}`, res.status, code, statusReason(res.status));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ExchangeRestError(`${path} answered invalid JSON`, res.status, null, "invalid_json");
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ExchangeRestError(`${path} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? "?"}`, res.status, null, "bad_shape");
    return parsed.data;
  }

  async serverTime(): Promise<number> {
    return (await this.get("/api/v3/time", {}, TimeSchema)).serverTime;
  }

  /**
   * The venue's trading status of `symbol` (`TRADING`, `BREAK`, …), or null when the venue does not list it
   * (-1121 Invalid symbol).
   */
  async symbolStatus(symbol: string): Promise<string | null> {
    try {
      const info = await this.get("/api/v3/exchangeInfo", { symbol }, ExchangeInfoSchema);
      return info.symbols.find((s) => s.symbol === symbol)?.status ?? null;
    } catch (err) {
      if (err instanceof ExchangeRestError && err.code === -1121) return null;
      throw err;
    }
  }

  async price(symbol: string): Promise<number> {
    const p = Number((await this.get("/api/v3/ticker/price", { symbol }, PriceSchema)).price);
    if (!(p > 0) || p > this.bounds.maxPrice) throw new ExchangeRestError(`price of ${symbol} is out of bounds: ${p}`, 200, null, "out_of_bounds");
    return p;
  }

  /**
   * Settled USD-M funding rates (GET /fapi/v1/fundingRate on the futures REST base), oldest first, one per settlement
   * time. Funding moves money on open positions: an answer for another symbol, or a rate past any venue's cap
   * (|rate| > 5 % an interval), is refused whole.
   */
  async fundingRates(symbol: string, limit: number): Promise<{ at: number; value: number }[]> {
    const rows = await this.get("/fapi/v1/fundingRate", { symbol, limit }, FundingSchema);
    const points = new Map<number, number>();
    for (const r of rows) {
      const value = Number(r.fundingRate);
      if (r.symbol !== symbol) throw new ExchangeRestError(`fundingRate answered ${r.symbol} for ${symbol}`, 200, null, "bad_shape");
      if (!(Math.abs(value) <= MAX_FUNDING_RATE)) throw new ExchangeRestError(`funding rate of ${symbol} at ${r.fundingTime} is out of bounds: ${r.fundingRate}`, 200, null, "out_of_bounds");
      points.set(r.fundingTime, value);
    }
    return [...points].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
  }

  /** Open interest history (GET /futures/data/openInterestHist), base units, oldest first. */
  async openInterestHistory(symbol: string, period: string, limit: number): Promise<DerivativesRead<{ at: number; value: number }>> {
    const rows = await this.get("/futures/data/openInterestHist", { symbol, period, limit }, OpenInterestHistSchema);
    return this.series(rows.map((r) => ({ at: r.timestamp, value: Number(r.sumOpenInterest), synthetic: r.synthetic })));
  }

  /** Taker buy/sell volume ratio per period (GET /futures/data/takerlongshortRatio), oldest first. */
  async takerBuySellRatio(symbol: string, period: string, limit: number): Promise<DerivativesRead<{ at: number; value: number }>> {
    const rows = await this.get("/futures/data/takerlongshortRatio", { symbol, period, limit }, TakerRatioSchema);
    return this.series(rows.map((r) => ({ at: r.timestamp, value: Number(r.buySellRatio), synthetic: r.synthetic })));
  }

  /** Top traders' long/short position ratio (GET /futures/data/topLongShortPositionRatio), oldest first. */
  async topLongShortRatio(symbol: string, period: string, limit: number): Promise<DerivativesRead<{ at: number; value: number }>> {
    const rows = await this.get("/futures/data/topLongShortPositionRatio", { symbol, period, limit }, LongShortSchema);
    return this.series(rows.map((r) => ({ at: r.timestamp, value: Number(r.longShortRatio), synthetic: r.synthetic })));
  }

  /** The basis now (GET /fapi/v1/premiumIndex): mark over index price, minus one. */
  async basis(symbol: string): Promise<DerivativesRead<{ at: number; value: number }>> {
    const r = await this.get("/fapi/v1/premiumIndex", { symbol }, PremiumIndexSchema);
    const index = Number(r.indexPrice);
    if (!(index > 0)) throw new ExchangeRestError(`premiumIndex of ${symbol} has no index price`, 200, null, "out_of_bounds");
    return this.series([{ at: r.time, value: Number(r.markPrice) / index - 1, synthetic: r.synthetic }]);
  }

  /** Forced orders (liquidations) since `startTime` (GET /fapi/v1/allForceOrders), oldest first. */
  async forceOrders(symbol: string, startTime: number): Promise<DerivativesRead<{ at: number; side: "BUY" | "SELL"; qty: number; price: number }>> {
    const rows = await this.get("/fapi/v1/allForceOrders", { symbol, startTime, limit: 100 }, ForceOrdersSchema);
    return this.series(rows.map((r) => ({ at: r.time, side: r.side, qty: Number(r.executedQty), price: Number(r.averagePrice), synthetic: r.synthetic })).sort((a, b) => a.at - b.at));
  }

  /** Rows to points, sorted, with the synthetic label lifted to the series (any labelled row labels it). */
  private series<T extends { at: number; synthetic?: boolean | undefined }>(rows: T[]): DerivativesRead<Omit<T, "synthetic">> {
    let labelled = false;
    const points = rows
      .map(({ synthetic: s, ...p }) => {
        if (s === true) labelled = true;
        return p;
      })
      .sort((a, b) => a.at - b.at);
    return { points, synthetic: labelled };
  }

  async klines(symbol: string, interval: string, opts: { startTime?: number; endTime?: number; limit?: number }): Promise<RestKline[]> {
    const rows = await this.get("/api/v3/klines", { symbol, interval, startTime: opts.startTime, endTime: opts.endTime, limit: opts.limit }, KlinesSchema);
    return rows.map((r) => {
      const candle = { t: r[0], o: Number(r[1]), h: Number(r[2]), l: Number(r[3]), c: Number(r[4]), v: Number(r[5]) };
      if (!(candle.l > 0) || candle.h < candle.l || candle.o > candle.h || candle.c > candle.h || candle.o < candle.l || candle.c < candle.l) {
        throw new ExchangeRestError(`kline ${symbol} ${interval} at ${candle.t} breaks OHLC invariants`, 200, null, "bad_shape");
      }
      if (candle.h > this.bounds.maxPrice || !(candle.v >= 0 && candle.v <= this.bounds.maxVolume)) {
        throw new ExchangeRestError(`kline ${symbol} ${interval} at ${candle.t} is out of bounds (h=${candle.h}, v=${candle.v})`, 200, null, "out_of_bounds");
      }
      return { candle, closeTime: r[6] };
    });
  }

  /** Of the newest `limit` candles of `interval`, those closed before `before` (the exchange's present), oldest first. */
  async closedCandles(symbol: string, interval: string, limit: number, before: number): Promise<Candle[]> {
    const rows = await this.klines(symbol, interval, { limit });
    return rows.filter((r) => r.closeTime < before).map((r) => r.candle);
  }

  /** Closed 1m candles with open time in [from, until), oldest first, paging through klines (1,000 a page). */
  async closedMinutes(symbol: string, from: number, until: number): Promise<Candle[]> {
    const out: Candle[] = [];
    let start = from;
    for (;;) {
      const rows = await this.klines(symbol, "1m", { startTime: start, limit: KLINE_PAGE });
      for (const r of rows) if (r.candle.t < until && r.closeTime < until && r.candle.t >= start) out.push(r.candle);
      const lastRow = rows[rows.length - 1];
      if (rows.length < KLINE_PAGE || !lastRow || lastRow.candle.t + MINUTE >= until) return out;
      start = lastRow.candle.t + MINUTE;
    }
  }
}
