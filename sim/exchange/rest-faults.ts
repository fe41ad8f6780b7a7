import { httpFaultResponse, unknownStatusResponse, type Fault, type HttpFaultStatus } from "./faults";
import type { ApiResponse } from "./http-util";

type RequestFault = Extract<Fault, { type: "http" | "error_after" | "lost_response" }>;

/** A pending request fault: applies to the next `remaining` calls its `path` filter matches. */
export interface ActiveRequestFault {
  type: RequestFault["type"];
  path: string | undefined;
  remaining: number;
  status?: HttpFaultStatus;
  retryAfterSec?: number;
}

/** `error_after` and `lost_response` hit order placement unless told otherwise; `http` hits every call. */
const DEFAULT_PATH: Record<RequestFault["type"], string | undefined> = { http: undefined, error_after: "POST order", lost_response: "POST order" };

/** "METHOD path" of a REST call, path relative to `/api/v3/` (futures under "fapi/v1/", "fapi/v2/", "fapi/v3/"). */
export function requestKey(kind: "api" | "fapi", method: string, path: string): string {
  if (kind === "fapi" && /^v[23]\//.test(path)) return `${method} fapi/${path}`;
  return `${method} ${kind === "fapi" ? `fapi/v1/${path}` : path}`;
}

function matches(filter: string | undefined, key: string): boolean {
  if (filter === undefined) return true;
  return filter.includes(" ") ? filter === key : key.slice(key.indexOf(" ") + 1) === filter;
}

/**
 * Faults on REST calls. `http` answers before executing; `error_after` and `lost_response` let the call execute
 * and then spoil its answer (503 -1007 / 500, or a destroyed connection). Only calls that succeeded consume the
 * after-faults: a rejected order executed nothing, so its real error is returned.
 */
export class RestFaults {
  private active: ActiveRequestFault[] = [];

  add(f: RequestFault): void {
    this.active.push({
      type: f.type,
      path: f.path ?? DEFAULT_PATH[f.type],
      remaining: f.count,
      ...(f.type === "http" && { status: f.status, retryAfterSec: f.retryAfterSec ?? 1 }),
      ...(f.type === "error_after" && { status: f.status ?? 503 }),
    });
  }

  clear(): void {
    this.active = [];
  }

  list(): ActiveRequestFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** An injected failure answered instead of executing the call, if an `http` fault matches it. */
  before(key: string, wallNow: number): ApiResponse | undefined {
    const f = this.take("http", key);
    return f ? httpFaultResponse(f.status!, f.retryAfterSec ?? 1, wallNow) : undefined;
  }

  /** The answer of a call that executed: spoiled by a matching `lost_response` / `error_after` fault. */
  after(key: string, res: ApiResponse): ApiResponse | "lost" {
    if (res.status !== 200) return res;
    if (this.take("lost_response", key)) return "lost";
    const f = this.take("error_after", key);
    return f ? unknownStatusResponse(f.status as 503 | 500) : res;
  }

  private take(type: RequestFault["type"], key: string): ActiveRequestFault | undefined {
    const f = this.active.find((x) => x.type === type && x.remaining > 0 && matches(x.path, key));
    if (!f) return undefined;
    if (--f.remaining === 0) this.active.splice(this.active.indexOf(f), 1);
    return f;
  }
}
