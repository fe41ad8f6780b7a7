/**
 * Request-weight budget of one exchange venue (one per venue, shared by every call to it), as pure logic:
 * the caller passes `now` and what the venue answered; this decides whether a call may go and how long
 * to wait otherwise.
 *
 * - Weight: the venue reports the weight used in the current minute (`x-mbx-used-weight-1m`). We keep
 *   usage under `usableShare` (half) of the venue's per-minute budget, counting what we admitted since
 *   the last report, and otherwise wait for the next minute.
 * - 429 (rate limited): no call until `Retry-After` has passed.
 * - 418 (IP banned): no REST call until the ban ends (`Retry-After`, or "banned until <ms>" in the body).
 * - 451 (unavailable for legal reasons): stopped until an operator clears it; every refusal carries
 *   `alert: true`.
 * - New connections (sockets) are spread: at most one per `connectSpacingMs` per venue.
 *
 * The state is plain JSON (`toJSON`/`fromJSON`) so an actor can persist it across evictions.
 */

export interface VenueLimits {
  /** Request weight the venue allows per minute (per IP). */
  weightPerMinute: number;
  /** Share of that budget we allow ourselves. */
  usableShare: number;
  /** Minimum time between two new connections to the venue. */
  connectSpacingMs: number;
  /** Wait after a 429 that carries no usable Retry-After. */
  defaultRetryAfterMs: number;
  /** Ban assumed for a 418 that says neither Retry-After nor "banned until" (Binance bans start at 2 min). */
  defaultBanMs: number;
}

/** Binance spot: 6000 weight per minute (exchangeInfo REQUEST_WEIGHT). */
export const BINANCE_SPOT_LIMITS: VenueLimits = {
  weightPerMinute: 6000,
  usableShare: 0.5,
  connectSpacingMs: 1000,
  defaultRetryAfterMs: 60_000,
  defaultBanMs: 120_000,
};

/** Binance USD-M futures: 2400 weight per minute. */
export const BINANCE_USDM_LIMITS: VenueLimits = { ...BINANCE_SPOT_LIMITS, weightPerMinute: 2400 };

export type RefusalReason = "weight_budget" | "rate_limited" | "banned" | "stopped" | "connect_spacing";

export type Admission =
  | { ok: true }
  | {
      ok: false;
      /** How long to wait before asking again; Infinity while stopped (only an operator's clear ends it). */
      waitMs: number;
      reason: RefusalReason;
      /** An operator must know (451 stop, 418 ban). */
      alert: boolean;
    };

export interface RateBudgetState {
  v: 1;
  /** The minute (epoch ms / 60000, floored) that `used` counts; -1 before the first call. */
  minute: number;
  /** Weight used in `minute`: the venue's last report or more, plus what we admitted since. */
  used: number;
  /** No REST call before this time (429 or 418); 0 when none. */
  blockedUntil: number;
  blockReason: "rate_limited" | "banned" | null;
  /** Set by a 451: REST and new connections stay refused until `clear()`. */
  stopped: { at: number; detail: string } | null;
  /** When the last new connection was admitted. */
  lastConnectAt: number | null;
  /** The ban or stop (its end, or its start for a stop) an alert was already raised for: one alert per episode. */
  alerted?: number | null;
}

/** Response headers as fetch's Headers or a plain object (any key case). */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | undefined>>;

const MINUTE = 60_000;
const WEIGHT_HEADERS = ["x-mbx-used-weight-1m", "x-mbx-used-weight"];

function header(h: HeaderSource, name: string): string | null {
  if (typeof (h as { get?: unknown }).get === "function") return (h as { get(n: string): string | null }).get(name);
  const rec = h as Readonly<Record<string, string | undefined>>;
  for (const k of Object.keys(rec)) if (k.toLowerCase() === name) return rec[k] ?? null;
  return null;
}

/** Retry-After as a delay in ms: delta-seconds, or an HTTP date; null when absent or unusable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const s = Number(value);
  if (Number.isFinite(s)) return s >= 0 ? Math.round(s * 1000) : null;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The end of a Binance IP ban from its message ("... IP banned until 1593590400000. ..."); null when absent. */
export function bannedUntil(body: string | undefined): number | null {
  const m = body ? /banned until (\d{10,})/i.exec(body) : null;
  return m ? Number(m[1]) : null;
}

function initialState(): RateBudgetState {
  return { v: 1, minute: -1, used: 0, blockedUntil: 0, blockReason: null, stopped: null, lastConnectAt: null };
}

function isState(x: unknown): x is RateBudgetState {
  if (typeof x !== "object" || x === null) return false;
  const s = x as Record<string, unknown>;
  const num = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
  const stopped = s["stopped"] as Record<string, unknown> | null | undefined;
  return (
    s["v"] === 1 &&
    num(s["minute"]) &&
    num(s["used"]) &&
    num(s["blockedUntil"]) &&
    (s["blockReason"] === null || s["blockReason"] === "rate_limited" || s["blockReason"] === "banned") &&
    (stopped === null || (typeof stopped === "object" && stopped !== undefined && num(stopped["at"]) && typeof stopped["detail"] === "string")) &&
    (s["lastConnectAt"] === null || num(s["lastConnectAt"])) &&
    (s["alerted"] === undefined || s["alerted"] === null || num(s["alerted"]))
  );
}

export class RateBudget {
  private s: RateBudgetState;

  constructor(
    readonly limits: VenueLimits,
    state?: RateBudgetState,
  ) {
    this.s = state ? structuredCloneState(state) : initialState();
  }

  /** Restores a persisted budget; anything that is not a valid state starts fresh. */
  static fromJSON(limits: VenueLimits, json: unknown): RateBudget {
    return new RateBudget(limits, isState(json) ? json : undefined);
  }

  toJSON(): RateBudgetState {
    return structuredCloneState(this.s);
  }

  /** The weight we allow ourselves per minute. */
  get cap(): number {
    return Math.floor(this.limits.weightPerMinute * this.limits.usableShare);
  }

  /** Weight counted in the minute of `now` (0 once that minute has passed). */
  usedAt(now: number): number {
    return Math.floor(now / MINUTE) === this.s.minute ? this.s.used : 0;
  }

  /** Whether a REST call of `weight` may go at `now`; when it may, its weight is counted at once. */
  admit(now: number, weight: number): Admission {
    const blocked = this.refusedRest(now);
    if (blocked) return blocked;
    const minute = Math.floor(now / MINUTE);
    const used = this.usedAt(now);
    const w = Math.max(0, weight);
    // A call heavier than the whole cap still goes in a fresh minute, or it could never go.
    if (used + w > this.cap && used > 0) {
      return { ok: false, waitMs: (minute + 1) * MINUTE - now, reason: "weight_budget", alert: false };
    }
    this.s.minute = minute;
    this.s.used = used + w;
    return { ok: true };
  }

  /**
   * What the venue answered a call: its status, headers (the used-weight report, Retry-After) and, for a
   * 418 or 451, the body text (the ban's end, the reason).
   */
  observe(now: number, status: number, headers: HeaderSource, body?: string): void {
    for (const name of WEIGHT_HEADERS) {
      const raw = header(headers, name);
      const reported = raw === null ? NaN : Number(raw);
      if (!Number.isFinite(reported) || reported < 0) continue;
      const minute = Math.floor(now / MINUTE);
      if (minute > this.s.minute) {
        this.s.minute = minute;
        this.s.used = reported;
      } else if (minute === this.s.minute) {
        // Responses can arrive out of order and our own count runs ahead of the venue's: keep the larger.
        this.s.used = Math.max(this.s.used, reported);
      }
      break;
    }
    if (status === 429) {
      this.block(now + (retryAfterMs(header(headers, "retry-after"), now) ?? this.limits.defaultRetryAfterMs), "rate_limited");
    } else if (status === 418) {
      const retry = retryAfterMs(header(headers, "retry-after"), now);
      const until = retry !== null ? now + retry : (bannedUntil(body) ?? now + this.limits.defaultBanMs);
      this.block(Math.max(until, now), "banned");
    } else if (status === 451) {
      if (this.s.stopped === null) this.s.stopped = { at: now, detail: (body ?? "").slice(0, 200) };
    }
  }

  /** Whether a new connection (socket) to the venue may open at `now`; when it may, it is counted. */
  admitConnect(now: number): Admission {
    if (this.s.stopped) return { ok: false, waitMs: Infinity, reason: "stopped", alert: true };
    const last = this.s.lastConnectAt;
    const spacing = this.limits.connectSpacingMs;
    if (last !== null && now - last < spacing) {
      // A clock that went back (a restored state) waits at most one spacing.
      return { ok: false, waitMs: Math.min(spacing, last + spacing - now), reason: "connect_spacing", alert: false };
    }
    this.s.lastConnectAt = now;
    return { ok: true };
  }

  /** An operator's clear: ends a 451 stop (and any ban or back-off still running). */
  clear(): void {
    this.s.stopped = null;
    this.s.blockedUntil = 0;
    this.s.blockReason = null;
  }

  /**
   * The alert an operator must get now, once per ban or stop: the first caller to see it raises it, every
   * later caller (any actor, any call) gets null until a new ban or stop begins.
   */
  claimAlert(now: number): { reason: "banned" | "stopped"; detail: string } | null {
    const refused = this.refusedRest(now);
    if (!refused || refused.ok || !refused.alert) return null;
    const episode = this.s.stopped ? this.s.stopped.at : this.s.blockedUntil;
    if (this.s.alerted === episode) return null;
    this.s.alerted = episode;
    return this.s.stopped
      ? { reason: "stopped", detail: `refused for legal reasons (HTTP 451)${this.s.stopped.detail ? `: ${this.s.stopped.detail}` : ""}; stopped until an operator clears it` }
      : { reason: "banned", detail: `IP banned (HTTP 418) until ${new Date(this.s.blockedUntil).toISOString()}` };
  }

  /** A summary for status pages and alerts. */
  status(now: number): { used: number; cap: number; blockedUntil: number | null; reason: RefusalReason | null; alert: boolean } {
    const refused = this.refusedRest(now);
    return {
      used: this.usedAt(now),
      cap: this.cap,
      blockedUntil: this.s.stopped ? null : refused ? this.s.blockedUntil : null,
      reason: refused && !refused.ok ? refused.reason : null,
      alert: refused !== null && !refused.ok && refused.alert,
    };
  }

  private refusedRest(now: number): Admission | null {
    if (this.s.stopped) return { ok: false, waitMs: Infinity, reason: "stopped", alert: true };
    if (now < this.s.blockedUntil) {
      const banned = this.s.blockReason === "banned";
      return { ok: false, waitMs: this.s.blockedUntil - now, reason: banned ? "banned" : "rate_limited", alert: banned };
    }
    return null;
  }

  private block(until: number, reason: "rate_limited" | "banned"): void {
    if (until > this.s.blockedUntil) {
      this.s.blockedUntil = until;
      this.s.blockReason = reason;
    } else if (reason === "banned") {
      // A ban inside a longer back-off still marks the block as a ban.
      this.s.blockReason = "banned";
    }
  }
}

function structuredCloneState(s: RateBudgetState): RateBudgetState {
  return { ...s, stopped: s.stopped ? { ...s.stopped } : null };
}

/**
 * Weight of a Binance REST call by its path (spot /api/v3, futures /fapi/v1|v2), used to count a call
 * before the venue's report comes back. Unknown paths count 5; the venue's header corrects the count.
 */
export function binanceRequestWeight(method: string, url: string): number {
  const path = (url.split("?")[0] ?? "").replace(/^[a-z]+:\/\/[^/]+/i, "");
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  const hasSymbol = /(^|&)symbols?=/.test(query);
  const m = method.toUpperCase();
  const spot = /\/api\/v3\/(.+)$/.exec(path);
  if (spot) {
    const p = spot[1]!;
    switch (p) {
      case "ping":
      case "time":
        return 1;
      case "exchangeInfo":
        return 20;
      case "klines":
      case "uiKlines":
        return 2;
      case "ticker/price":
      case "ticker/bookTicker":
        return hasSymbol ? 2 : 4;
      case "ticker/24hr":
        return hasSymbol ? 2 : 80;
      case "order":
        return m === "GET" ? 4 : 1;
      case "order/test":
        return 1;
      case "openOrders":
        return m === "DELETE" ? 1 : hasSymbol ? 6 : 80;
      case "allOrders":
      case "account":
      case "myTrades":
        return 20;
      case "depth":
        return 25;
      default:
        return 5;
    }
  }
  const fut = /\/fapi\/v\d\/(.+)$/.exec(path);
  if (fut) {
    const p = fut[1]!;
    switch (p) {
      case "ping":
      case "time":
      case "exchangeInfo":
      case "fundingRate":
        return 1;
      case "premiumIndex":
        return hasSymbol ? 1 : 10;
      case "openInterest":
        return 1;
      case "allForceOrders":
        return hasSymbol ? 20 : 50;
      case "klines":
        return 5;
      case "order":
        return m === "POST" ? 0 : 1;
      case "openOrders":
        return hasSymbol ? 1 : 40;
      case "account":
      case "balance":
      case "positionRisk":
        return 5;
      default:
        return 5;
    }
  }
  // The /futures/data statistics (open interest history, taker volume, long/short ratios): Binance limits them to
  // 1,000 requests per 5 minutes per IP, apart from the weight budget; counted as 1 each here.
  if (/\/futures\/data\//.test(path)) return 1;
  return 5;
}
