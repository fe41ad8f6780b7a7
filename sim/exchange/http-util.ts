import { readBody as readText } from "../shared/read-body";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** A Binance-shaped error: HTTP status plus `{"code":..,"msg":..}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

export const errors = {
  mandatory: (p: string) => new ApiError(400, -1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`),
  illegal: (p: string) => new ApiError(400, -1100, `Illegal characters found in parameter '${p}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`),
  invalidSymbol: () => new ApiError(400, -1121, "Invalid symbol."),
  invalidInterval: () => new ApiError(400, -1120, "Invalid interval."),
  badLimit: () => new ApiError(400, -1130, "Data sent for parameter 'limit' is not valid."),
  startAfterEnd: () => new ApiError(400, -1023, "Start time is greater than end time."),
  unknownEndpoint: (p: string) => new ApiError(404, -1000, `Unknown endpoint: ${p}`),
};

/** A REST call after routing: `path` is relative to `/api/v3/` or `/fapi/v1/`. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawQuery: string;
  rawBody: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): ApiResponse => ({ status: 200, body });

export function readBody(req: IncomingMessage, max = 1 << 20): Promise<string> {
  return readText(req, max);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json;charset=UTF-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Query and x-www-form-urlencoded body merged; a parameter sent in both is taken from the query, as on Binance. */
export function mergeParams(rawQuery: string, rawBody: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const src of [rawBody, rawQuery]) for (const [k, v] of new URLSearchParams(src)) out[k] = v;
  return out;
}

export function str(p: Record<string, string>, name: string): string | undefined {
  const v = p[name];
  return v === undefined || v === "" ? undefined : v;
}

export function required(p: Record<string, string>, name: string): string {
  const v = str(p, name);
  if (v === undefined) throw errors.mandatory(name);
  return v;
}

export function int(p: Record<string, string>, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,20}$/.test(v)) throw new ApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(v);
}

export function decimal(p: Record<string, string>, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,20}(\.\d{1,20})?$/.test(v)) throw errors.illegal(name);
  return Number(v);
}

/** `limit` with Binance bounds: default `def`, values above `max` are capped, below 1 rejected. */
export function limitParam(p: Record<string, string>, def: number, max: number): number {
  const v = int(p, "limit");
  if (v === undefined) return def;
  if (v < 1) throw errors.badLimit();
  return Math.min(v, max);
}

/** `symbols=["A","B"]` (JSON array, as Binance takes it) or undefined. */
export function symbolsParam(p: Record<string, string>): string[] | undefined {
  const v = str(p, "symbols");
  if (v === undefined) return undefined;
  try {
    const arr: unknown = JSON.parse(v);
    if (Array.isArray(arr) && arr.every((x) => typeof x === "string")) return arr;
  } catch {
    /* fall through */
  }
  throw new ApiError(400, -1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
}
