import { z } from "zod";

/**
 * Which REST calls a request fault applies to: "METHOD path" (e.g. "POST order", "DELETE order", "GET order") or
 * just "path" for any method, the path relative to `/api/v3/` (futures data: "fapi/v1/premiumIndex").
 */
const PathFilter = z.string().regex(/^((GET|POST|PUT|DELETE) )?(?!api\/)[A-Za-z0-9][A-Za-z0-9/]*$/, 'path must look like "POST order" or "order" (relative to /api/v3/)');
const count = z.number().int().positive();

export const FaultSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("drop"), refuseMs: z.number().nonnegative().optional() }),
  z.object({ type: z.literal("silence"), ms: z.number().positive() }),
  z.object({ type: z.literal("malformed"), frames: z.array(z.string()).optional() }),
  z.object({
    type: z.literal("http"),
    status: z.union([z.literal(429), z.literal(418), z.literal(451), z.literal(500), z.literal(503)]),
    count,
    retryAfterSec: z.number().int().nonnegative().optional(),
    path: PathFilter.optional(),
  }),
  z.object({ type: z.literal("error_after"), count, status: z.union([z.literal(503), z.literal(500)]).optional(), path: PathFilter.optional() }),
  z.object({ type: z.literal("lost_response"), count, path: PathFilter.optional() }),
  z.object({
    type: z.literal("delayed_fill"),
    count,
    parts: z.number().int().min(1).max(100).optional(),
    ticksPerPart: z.number().int().min(1).max(10_000).optional(),
  }),
  z.object({ type: z.literal("duplicate_fill_report"), count }),
  z.object({ type: z.literal("clear") }),
]);

export type Fault = z.infer<typeof FaultSchema>;

export function parseFault(input: unknown): Fault {
  const r = FaultSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid fault: ${z.prettifyError(r.error)}`);
  return r.data;
}

export type HttpFaultStatus = 429 | 418 | 451 | 500 | 503;

/** Binance-shaped body and headers of an injected REST failure (`http` and `error_after` faults). */
export function httpFaultResponse(status: HttpFaultStatus, retryAfterSec: number, now: number): { status: number; headers: Record<string, string>; body: unknown } {
  if (status === 429 || status === 418) {
    const msg =
      status === 429
        ? "Too many requests; current limit of IP(s) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API."
        : `Too many requests; IP banned until ${now + retryAfterSec * 1000}. Please use WebSocket Streams for live updates to avoid bans.`;
    return { status, headers: { "Retry-After": String(retryAfterSec) }, body: { code: -1003, msg } };
  }
  if (status === 451) {
    const msg =
      "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.";
    return { status: 451, headers: {}, body: { code: 0, msg } };
  }
  if (status === 503) {
    return { status: 503, headers: {}, body: { code: -1008, msg: "Server is currently overloaded with other requests. Please try again in a few minutes." } };
  }
  return { status: 500, headers: {}, body: { code: -1000, msg: "An unknown error occurred while processing the request." } };
}

/** Answer of an `error_after` fault: the request executed, the client learns nothing certain. */
export function unknownStatusResponse(status: 503 | 500): { status: number; headers: Record<string, string>; body: unknown } {
  if (status === 500) return httpFaultResponse(500, 0, 0);
  return { status: 503, headers: {}, body: { code: -1007, msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown." } };
}

/** What a malformed frame is built from: the stream it pretends to belong to and the current market. */
export interface MalformedContext {
  symbol: string;
  interval: string;
  /** Interval length in ms. */
  ms: number;
  E: number;
  t: number;
  price: number;
}

function kline(ctx: MalformedContext, patch: { s?: string; k?: Record<string, unknown> } = {}): string {
  const p = ctx.price.toFixed(8);
  const k = {
    t: ctx.t,
    T: ctx.t + ctx.ms - 1,
    s: ctx.symbol,
    i: ctx.interval,
    f: 0,
    L: 0,
    o: p,
    c: p,
    h: p,
    l: p,
    v: "1.00000000",
    n: 0,
    x: false,
    q: "0.00000000",
    V: "0.00000000",
    Q: "0.00000000",
    B: "0",
    ...patch.k,
  };
  return JSON.stringify({ e: "kline", E: ctx.E, s: patch.s ?? ctx.symbol, k });
}

/**
 * Frames a robust client must reject. Each is shaped like a kline event of the socket's own kline stream
 * (or BTC 1m) with exactly one defect; combined sockets receive them wrapped like real frames.
 */
export const MALFORMED_PRESET: readonly { label: string; build: (ctx: MalformedContext) => string }[] = [
  { label: "invalid JSON", build: (ctx) => kline(ctx).slice(0, 40) },
  { label: "NaN price", build: (ctx) => kline(ctx, { k: { o: "NaN", c: "NaN" } }) },
  { label: "negative price", build: (ctx) => kline(ctx, { k: { c: "-1.00000000", l: "-1.00000000" } }) },
  { label: "zero price", build: (ctx) => kline(ctx, { k: { o: "0.00000000", h: "0.00000000", l: "0.00000000", c: "0.00000000" } }) },
  {
    label: "high below low",
    build: (ctx) => kline(ctx, { k: { h: (ctx.price * 0.99).toFixed(8), l: (ctx.price * 1.01).toFixed(8) } }),
  },
  {
    label: "wrong symbol",
    build: (ctx) => {
      const other = ctx.symbol === "XRPUSDT" ? "DOGEUSDT" : "XRPUSDT";
      return kline(ctx, { s: other, k: { s: other } });
    },
  },
  { label: "wrong interval", build: (ctx) => kline(ctx, { k: { i: ctx.interval === "1m" ? "5m" : "1m" } }) },
  { label: "missing k", build: (ctx) => JSON.stringify({ e: "kline", E: ctx.E, s: ctx.symbol }) },
  {
    label: "wrong types",
    build: (ctx) => kline(ctx, { k: { t: String(ctx.t), o: ctx.price, c: ctx.price, h: ctx.price, l: ctx.price, x: "false" } }),
  },
];
