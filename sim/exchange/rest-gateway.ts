import type { TradingContext } from "./context";
import { handleFapi } from "./fapi";
import { handleFapiPrivate } from "./fapi-private";
import { ApiError, errors, type ApiRequest, type ApiResponse } from "./http-util";
import { RateCounters, weightOf } from "./rate-limits";
import { requestKey, RestFaults } from "./rest-faults";
import { handlePrivate } from "./rest-private";
import { handlePublic } from "./rest-public";
import type { UserStreams } from "./user-stream";

/**
 * The REST pipeline of one session: weight counted, `http` faults before the handlers, `lost_response` /
 * `error_after` faults after them; successful order placements carry the order-count headers.
 */
export class RestGateway {
  readonly faults = new RestFaults();
  readonly rates = new RateCounters();
  /** Every call received, by "METHOD path" (refused and faulted ones included): who asked the exchange what. */
  readonly received: Record<string, number> = {};

  constructor(
    private readonly ctx: TradingContext,
    private readonly userStreams: UserStreams,
  ) {}

  call(kind: "api" | "fapi", req: ApiRequest): ApiResponse | "lost" {
    const key = requestKey(kind, req.method, req.path);
    this.received[key] = (this.received[key] ?? 0) + 1;
    const headers = this.rates.request(weightOf(req.method, req.path, req.params));
    const injected = this.faults.before(key, Date.now());
    if (injected) return { ...injected, headers: { ...headers, ...injected.headers } };
    let res: ApiResponse;
    try {
      res = this.handle(kind, req);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return { status: e.status, body: { code: e.code, msg: e.message }, headers };
    }
    // The order counts; only an answer that reports the success carries the counts (a spoiled one knows nothing).
    const counts = (key === "POST order" || key === "POST fapi/v1/order") && res.status === 200 ? this.rates.orders(1) : {};
    const out = this.faults.after(key, res);
    if (out === "lost") return out;
    return { ...out, headers: { ...headers, ...(out === res ? counts : {}), ...out.headers } };
  }

  private handle(kind: "api" | "fapi", req: ApiRequest): ApiResponse {
    const ctx = this.ctx;
    const res = kind === "fapi" ? (handleFapi(ctx, req) ?? handleFapiPrivate(ctx, req)) : (handlePublic(ctx, req) ?? this.userStreams.handle(req) ?? handlePrivate(ctx, req));
    if (res === undefined) throw errors.unknownEndpoint(req.path);
    return res;
  }
}
