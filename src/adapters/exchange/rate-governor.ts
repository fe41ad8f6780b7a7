import { BINANCE_SPOT_LIMITS, BINANCE_USDM_LIMITS, RateBudget, binanceRequestWeight, type RateBudgetState, type RefusalReason, type VenueLimits } from "../../lib/execution/rate-budget";
import { describeRequest, fetchWithTimeout, type FetchLike } from "./http-timeout";

/**
 * One rate governor per venue in this isolate, shared by every REST call to it (ours and ccxt's), so the
 * venue's weight budget, a 429 back-off, a 418 ban or a 451 stop hold for all callers at once.
 * The decisions are `RateBudget`'s (src/lib/execution/rate-budget.ts); this adds the clock and fetch.
 */

const governors = new Map<string, RateBudget>();

/** Limits by venue name: USD-M futures venues start with "binanceusdm", everything else is Binance spot. */
export function limitsForVenue(venue: string): VenueLimits {
  return venue.startsWith("binanceusdm") ? BINANCE_USDM_LIMITS : BINANCE_SPOT_LIMITS;
}

/** The venue's governor, created on first use (with `limits`, or the venue's default limits). */
export function governorFor(venue: string, limits: VenueLimits = limitsForVenue(venue)): RateBudget {
  let g = governors.get(venue);
  if (!g) {
    g = new RateBudget(limits);
    governors.set(venue, g);
  }
  return g;
}

/** Replaces the venue's governor with a persisted state (an actor restoring after eviction). */
export function restoreGovernor(venue: string, state: RateBudgetState | unknown, limits: VenueLimits = limitsForVenue(venue)): RateBudget {
  const g = RateBudget.fromJSON(limits, state);
  governors.set(venue, g);
  return g;
}

/** A call the governor refused: it never left. `waitMs` is Infinity while the venue is stopped (451). */
export class RateLimitedError extends Error {
  override name = "RateLimitedError";
  constructor(
    readonly venue: string,
    readonly reason: RefusalReason,
    readonly waitMs: number,
    readonly alert: boolean,
    target: string,
  ) {
    super(`${target} refused by the ${venue} rate governor (${reason}${Number.isFinite(waitMs) ? `, retry in ${Math.ceil(waitMs)} ms` : ", until an operator clears it"})`);
  }
}

export interface GovernedFetchOptions {
  timeoutMs: number;
  /** The call's request weight, counted before it leaves. */
  weight: number;
  /** The transport (tests); global fetch by default. */
  fetchImpl?: FetchLike;
  now?: () => number;
}

/**
 * fetch through the venue's governor: refused (RateLimitedError, nothing sent) while the venue's budget,
 * back-off, ban or stop says so; otherwise sent with a `timeoutMs` deadline, and the answer's status and
 * headers (used weight, Retry-After) observed.
 */
export async function governedFetch(venue: string, url: string, init: RequestInit, opts: GovernedFetchOptions): Promise<Response> {
  const now = opts.now ?? Date.now;
  const governor = governorFor(venue);
  const admission = governor.admit(now(), opts.weight);
  if (!admission.ok) throw new RateLimitedError(venue, admission.reason, admission.waitMs, admission.alert, describeRequest(init.method, url));
  const res = await fetchWithTimeout(url, init, opts.timeoutMs, opts.fetchImpl);
  // The ban's end and the 451 reason are in the body; read a copy so the caller still has it.
  const body =
    res.status === 418 || res.status === 451
      ? await res
          .clone()
          .text()
          .catch(() => undefined)
      : undefined;
  governor.observe(now(), res.status, res.headers, body);
  return res;
}

/** The request fields fetch understands; ccxt also passes node-only ones (timeout, agent). */
function fetchInit(init: (RequestInit & Record<string, unknown>) | undefined): RequestInit {
  const out: RequestInit = {};
  if (!init) return out;
  if (init.method !== undefined) out.method = init.method;
  if (init.headers !== undefined) out.headers = init.headers;
  if (init.body !== undefined && init.body !== null) out.body = init.body;
  if (init.signal) out.signal = init.signal;
  return out;
}

/**
 * A fetch for ccxt's `fetchImplementation`: every ccxt REST call goes through the venue's governor with a
 * deadline; its weight is taken from the Binance path (`binanceRequestWeight`) unless `weightOf` says.
 */
export function governedFetchFor(
  venue: string,
  opts: { timeoutMs: number; weightOf?: (method: string, url: string) => number; fetchImpl?: FetchLike; now?: () => number },
): (url: string, init?: RequestInit) => Promise<Response> {
  const weightOf = opts.weightOf ?? binanceRequestWeight;
  return (url, init) => {
    const req = fetchInit(init as (RequestInit & Record<string, unknown>) | undefined);
    return governedFetch(venue, url, req, {
      timeoutMs: opts.timeoutMs,
      weight: weightOf(req.method ?? "GET", url),
      ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
  };
}

/**
 * The governor venue of a REST base: Binance's own hosts by name (their budgets are per IP and venue),
 * anything else (the local simulator, a session of it) by its URL.
 */
export function venueOfRestUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  let host = "";
  try {
    host = new URL(base).host;
  } catch {
    return `binance-sim@${base}`;
  }
  if (host === "api.binance.com" || /^api\d\.binance\.com$/.test(host)) return "binance";
  if (host === "fapi.binance.com") return "binanceusdm";
  if (host === "testnet.binance.vision") return "binance-testnet";
  return `binance-sim@${base}`;
}

/**
 * How long a socket to the venue of `restUrl` must wait before it may open (at most a minute), or null when it may
 * open now (counted then): the feeds and the user-data stream share the venue's connection spacing.
 */
export function connectDelay(restUrl: string, now: number = Date.now()): number | null {
  const admitted = admitConnect(venueOfRestUrl(restUrl), now);
  return admitted.ok ? null : Math.min(Number.isFinite(admitted.waitMs) ? admitted.waitMs : 60_000, 60_000);
}

/** Whether a new socket to the venue may open now (at most one per second per venue); counted when it may. */
export function admitConnect(venue: string, now: number = Date.now()): { ok: true } | { ok: false; waitMs: number; reason: RefusalReason; alert: boolean } {
  return governorFor(venue).admitConnect(now);
}
