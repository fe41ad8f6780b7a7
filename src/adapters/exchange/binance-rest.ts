import { z } from "zod";
import type { Candle } from "../../lib/market/candle";

const decimal = z.string().refine((s) => Number.isFinite(Number(s)), "not a decimal");
const KlineRowSchema = z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal, z.number().int()]).rest(z.unknown());
const KlinesSchema = z.array(KlineRowSchema);
const TimeSchema = z.object({ serverTime: z.number().int() });
const PriceSchema = z.object({ symbol: z.string(), price: decimal });
const FundingSchema = z.array(z.object({ symbol: z.string(), fundingTime: z.number().int(), fundingRate: decimal }));
const ErrorBodySchema = z.object({ code: z.number(), msg: z.string() });

export interface RestKline {
  candle: Candle;
  closeTime: number;
}

export class ExchangeRestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
  ) {
    super(message);
  }
}

/**
 * Public Binance spot REST (klines, time, price) with zod-validated answers and rate-limit care:
 * a 429 or 418 stops every call until its Retry-After has passed, so we never escalate a ban.
 */
export class BinanceRest {
  private blockedUntil = 0;
  usedWeight = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private async get<T>(path: string, params: Record<string, string | number | undefined>, schema: z.ZodType<T>): Promise<T> {
    if (this.now() < this.blockedUntil) {
      throw new ExchangeRestError(`REST paused by rate limit for ${Math.ceil((this.blockedUntil - this.now()) / 1000)} s`, 429, -1003);
    }
    const qs = Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    const res = await fetch(`${this.baseUrl}${path}${qs ? `?${qs}` : ""}`);
    const weight = Number(res.headers.get("x-mbx-used-weight-1m"));
    if (Number.isFinite(weight)) this.usedWeight = weight;
    const text = await res.text();
    if (res.status === 429 || res.status === 418) {
      const retry = Number(res.headers.get("retry-after"));
      this.blockedUntil = this.now() + (Number.isFinite(retry) && retry > 0 ? retry * 1000 : res.status === 418 ? 120_000 : 60_000);
    }
    if (!res.ok) {
      let code: number | null = null;
      let msg = text.slice(0, 200);
      try {
        const body = ErrorBodySchema.safeParse(JSON.parse(text));
        if (body.success) ({ code, msg } = body.data);
      } catch {
        // non-JSON error page: keep the text
      }
      throw new ExchangeRestError(`${path} failed with HTTP ${res.status}: ${msg}`, res.status, code);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ExchangeRestError(`${path} answered invalid JSON`, res.status, null);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ExchangeRestError(`${path} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? "?"}`, res.status, null);
    return parsed.data;
  }

  async serverTime(): Promise<number> {
    return (await this.get("/api/v3/time", {}, TimeSchema)).serverTime;
  }

  async price(symbol: string): Promise<number> {
    const p = Number((await this.get("/api/v3/ticker/price", { symbol }, PriceSchema)).price);
    if (!(p > 0)) throw new ExchangeRestError(`price of ${symbol} is not positive: ${p}`, 200, null);
    return p;
  }

  /** Settled USD-M funding rates (GET /fapi/v1/fundingRate on the futures REST base), oldest first. */
  async fundingRates(symbol: string, limit: number): Promise<{ at: number; value: number }[]> {
    const rows = await this.get("/fapi/v1/fundingRate", { symbol, limit }, FundingSchema);
    return rows.map((r) => ({ at: r.fundingTime, value: Number(r.fundingRate) }));
  }

  async klines(symbol: string, interval: string, opts: { startTime?: number; endTime?: number; limit?: number }): Promise<RestKline[]> {
    const rows = await this.get("/api/v3/klines", { symbol, interval, startTime: opts.startTime, endTime: opts.endTime, limit: opts.limit }, KlinesSchema);
    return rows.map((r) => {
      const candle = { t: r[0], o: Number(r[1]), h: Number(r[2]), l: Number(r[3]), c: Number(r[4]), v: Number(r[5]) };
      if (!(candle.l > 0) || candle.h < candle.l || candle.o > candle.h || candle.c > candle.h || candle.o < candle.l || candle.c < candle.l) {
        throw new ExchangeRestError(`kline ${symbol} ${interval} at ${candle.t} breaks OHLC invariants`, 200, null);
      }
      return { candle, closeTime: r[6] };
    });
  }
}
