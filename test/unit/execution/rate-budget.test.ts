import { describe, expect, it } from "vitest";
import { HttpTimeoutError } from "../../../src/adapters/exchange/http-timeout";
import { RateLimitedError, governedFetch, governedFetchFor, governorFor, restoreGovernor } from "../../../src/adapters/exchange/rate-governor";
import { BINANCE_SPOT_LIMITS, BINANCE_USDM_LIMITS, RateBudget, bannedUntil, binanceRequestWeight, retryAfterMs } from "../../../src/lib/execution/rate-budget";

const MIN = 60_000;
/** 10 s into a minute. */
const T0 = Date.UTC(2026, 2, 24, 12, 0, 10);
const minuteEnd = Date.UTC(2026, 2, 24, 12, 1, 0);

const headers = (h: Record<string, string>) => new Headers(h);

describe("RateBudget: the weight budget", () => {
  it("given a spot venue, allows itself half of the 6000 weight per minute", () => {
    // given / when
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    // then
    expect(b.cap).toBe(3000);
    expect(new RateBudget(BINANCE_USDM_LIMITS).cap).toBe(1200);
  });

  it("given the venue reported 2990 used this minute, admits a call of weight 10 and refuses the next until the minute ends", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 200, headers({ "x-mbx-used-weight-1m": "2990" }));
    // when
    const first = b.admit(T0 + 1, 10);
    const second = b.admit(T0 + 2, 1);
    // then
    expect(first).toEqual({ ok: true });
    expect(second).toEqual({ ok: false, waitMs: minuteEnd - (T0 + 2), reason: "weight_budget", alert: false });
    expect(b.usedAt(T0 + 2)).toBe(3000);
  });

  it("given a full minute, admits again once the next minute starts", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 200, headers({ "x-mbx-used-weight-1m": "3000" }));
    expect(b.admit(minuteEnd - 1, 1).ok).toBe(false);
    // when
    const next = b.admit(minuteEnd, 1);
    // then
    expect(next).toEqual({ ok: true });
    expect(b.usedAt(minuteEnd)).toBe(1);
  });

  it("counts what it admitted before the venue's report comes back, so a burst cannot overrun the cap", () => {
    // given an empty minute
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    // when 160 calls of weight 20 ask at once (3200 > 3000)
    const admitted = Array.from({ length: 160 }, (_, i) => b.admit(T0 + i, 20)).filter((a) => a.ok).length;
    // then only 150 go
    expect(admitted).toBe(150);
  });

  it("a late report lower than its own count does not lower the count within the minute; a new minute's report replaces it", () => {
    // given 500 counted this minute
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.admit(T0, 500);
    // when an older response reports 100
    b.observe(T0 + 5, 200, { "X-MBX-USED-WEIGHT-1M": "100" });
    // then the count stays
    expect(b.usedAt(T0 + 5)).toBe(500);
    // and a report in the next minute is taken as it is
    b.observe(minuteEnd + 1, 200, { "x-mbx-used-weight-1m": "7" });
    expect(b.usedAt(minuteEnd + 1)).toBe(7);
  });

  it("admits a single call heavier than the cap in a fresh minute (it could never go otherwise)", () => {
    const b = new RateBudget({ ...BINANCE_SPOT_LIMITS, weightPerMinute: 100 });
    expect(b.admit(T0, 80)).toEqual({ ok: true });
    expect(b.admit(T0 + 1, 1).ok).toBe(false);
  });

  it("ignores a missing or garbage weight header", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 200, headers({}));
    b.observe(T0, 200, headers({ "x-mbx-used-weight-1m": "lots" }));
    expect(b.usedAt(T0)).toBe(0);
  });
});

describe("RateBudget: 429, 418, 451", () => {
  it("given a 429 with Retry-After: 7, refuses every call for 7 s, then admits", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    // when
    b.observe(T0, 429, headers({ "Retry-After": "7", "x-mbx-used-weight-1m": "12" }));
    // then
    expect(b.admit(T0 + 1000, 1)).toEqual({ ok: false, waitMs: 6000, reason: "rate_limited", alert: false });
    expect(b.admit(T0 + 6999, 1).ok).toBe(false);
    expect(b.admit(T0 + 7000, 1)).toEqual({ ok: true });
  });

  it("given a 429 without Retry-After, waits the default back-off (60 s)", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 429, headers({}));
    const a = b.admit(T0, 1);
    expect(a).toMatchObject({ ok: false, reason: "rate_limited", waitMs: 60_000 });
  });

  it("given a 418 with Retry-After, stops REST until the ban ends and flags it for an operator", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    // when
    b.observe(T0, 418, headers({ "Retry-After": "120" }), '{"code":-1003,"msg":"IP banned until 1.."}');
    // then
    expect(b.admit(T0 + 20_000, 1)).toEqual({ ok: false, waitMs: 100_000, reason: "banned", alert: true });
    expect(b.admit(T0 + 120_000, 1)).toEqual({ ok: true });
  });

  it("given a 418 without Retry-After, takes the ban's end from 'banned until <ms>' in the body", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    const until = T0 + 3 * 3_600_000;
    // when
    b.observe(T0, 418, headers({}), JSON.stringify({ code: -1003, msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.` }));
    // then
    expect(b.admit(T0 + 1, 1)).toMatchObject({ ok: false, reason: "banned", waitMs: until - T0 - 1 });
    expect(b.admit(until, 1).ok).toBe(true);
  });

  it("a 429 arriving during a longer ban does not shorten it", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 418, headers({ "Retry-After": "600" }));
    b.observe(T0 + 1, 429, headers({ "Retry-After": "1" }));
    expect(b.admit(T0 + 5000, 1)).toMatchObject({ ok: false, reason: "banned", waitMs: 595_000 });
  });

  it("a shorter ban inside a longer 429 back-off keeps the back-off's end but is reported as a ban", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 429, headers({ "Retry-After": "600" }));
    b.observe(T0 + 1, 418, headers({ "Retry-After": "10" }));
    expect(b.admit(T0 + 5000, 1)).toEqual({ ok: false, reason: "banned", waitMs: 595_000, alert: true });
  });

  it("given a 451, stops REST and new connections until an operator clears it, with an alert", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    // when
    b.observe(T0, 451, headers({}), '{"code":0,"msg":"Service unavailable from a restricted location"}');
    // then: refused however long we wait
    expect(b.admit(T0 + 365 * 86_400_000, 1)).toEqual({ ok: false, waitMs: Infinity, reason: "stopped", alert: true });
    expect(b.admitConnect(T0 + 10_000)).toMatchObject({ ok: false, reason: "stopped", alert: true });
    expect(b.status(T0)).toMatchObject({ reason: "stopped", alert: true, blockedUntil: null });
    // and after the operator's clear, calls go again
    b.clear();
    expect(b.admit(T0 + 1, 1)).toEqual({ ok: true });
  });

  it("a 200 or a 500 blocks nothing", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 200, headers({ "Retry-After": "30" }));
    b.observe(T0, 500, headers({ "Retry-After": "30" }));
    expect(b.admit(T0 + 1, 1)).toEqual({ ok: true });
  });
});

describe("RateBudget: spreading reconnects", () => {
  it("admits at most one new connection per second per venue", () => {
    // given a connection at T0
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    expect(b.admitConnect(T0)).toEqual({ ok: true });
    // when another asks 300 ms later, then it waits the remaining 700 ms
    expect(b.admitConnect(T0 + 300)).toEqual({ ok: false, waitMs: 700, reason: "connect_spacing", alert: false });
    // and at T0 + 1 s it may go, after which the next waits a full second
    expect(b.admitConnect(T0 + 1000)).toEqual({ ok: true });
    expect(b.admitConnect(T0 + 1000)).toMatchObject({ ok: false, waitMs: 1000 });
  });

  it("a clock behind the last connection (a restored state) waits at most one spacing", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.admitConnect(T0);
    expect(b.admitConnect(T0 - 60_000)).toMatchObject({ ok: false, waitMs: 1000 });
  });

  it("connections are not refused by a 429 or 418 (those stop REST only)", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 429, headers({ "Retry-After": "60" }));
    expect(b.admitConnect(T0 + 1)).toEqual({ ok: true });
  });
});

describe("RateBudget: persistence", () => {
  it("given a ban, a weight count and a connection, survives toJSON → JSON text → fromJSON", () => {
    // given
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.admit(T0, 40);
    b.admitConnect(T0);
    b.observe(T0 + 1, 418, headers({ "Retry-After": "30" }));
    // when
    const restored = RateBudget.fromJSON(BINANCE_SPOT_LIMITS, JSON.parse(JSON.stringify(b)));
    // then
    expect(restored.toJSON()).toEqual(b.toJSON());
    expect(restored.admit(T0 + 2, 1)).toMatchObject({ ok: false, reason: "banned", waitMs: 29_999 });
    expect(restored.admitConnect(T0 + 500)).toMatchObject({ ok: false, waitMs: 500 });
    expect(restored.usedAt(T0 + 2)).toBe(40);
  });

  it("a 451 stop survives persistence", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 451, headers({}), "restricted");
    const restored = RateBudget.fromJSON(BINANCE_SPOT_LIMITS, JSON.parse(JSON.stringify(b.toJSON())));
    expect(restored.admit(T0 + MIN, 1)).toMatchObject({ ok: false, reason: "stopped" });
  });

  it("an invalid persisted value starts fresh instead of throwing", () => {
    for (const bad of [null, 42, "x", {}, { v: 2 }, { ...new RateBudget(BINANCE_SPOT_LIMITS).toJSON(), used: "lots" }]) {
      expect(RateBudget.fromJSON(BINANCE_SPOT_LIMITS, bad).toJSON()).toEqual(new RateBudget(BINANCE_SPOT_LIMITS).toJSON());
    }
  });

  it("toJSON is a copy: changing it does not change the budget", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    const s = b.toJSON();
    s.blockedUntil = T0 + MIN;
    expect(b.admit(T0, 1)).toEqual({ ok: true });
  });
});

describe("header and path helpers", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("3", T0)).toBe(3000);
    expect(retryAfterMs("0.5", T0)).toBe(500);
    expect(retryAfterMs(new Date(T0 + 9000).toUTCString(), T0)).toBe(9000);
    expect(retryAfterMs(null, T0)).toBeNull();
    expect(retryAfterMs("soon", T0)).toBeNull();
    expect(retryAfterMs("-1", T0)).toBeNull();
  });

  it("finds the ban's end in Binance's message", () => {
    expect(bannedUntil('{"code":-1003,"msg":"Way too much request weight used; IP banned until 1593590400000. Please use"}')).toBe(1593590400000);
    expect(bannedUntil('{"code":-1003,"msg":"Too many requests"}')).toBeNull();
    expect(bannedUntil(undefined)).toBeNull();
  });

  it("weighs Binance calls by path, method and whether a symbol is given", () => {
    const base = "https://api.binance.com/api/v3";
    expect(binanceRequestWeight("GET", `${base}/exchangeInfo`)).toBe(20);
    expect(binanceRequestWeight("GET", `${base}/ticker/24hr?symbol=BTCUSDT`)).toBe(2);
    expect(binanceRequestWeight("GET", `${base}/ticker/24hr`)).toBe(80);
    expect(binanceRequestWeight("POST", `${base}/order`)).toBe(1);
    expect(binanceRequestWeight("GET", `${base}/order?symbol=BTCUSDT&origClientOrderId=a&signature=x`)).toBe(4);
    expect(binanceRequestWeight("GET", `${base}/openOrders`)).toBe(80);
    expect(binanceRequestWeight("GET", `http://127.0.0.1:9100/s/abc/api/v3/account?timestamp=1`)).toBe(20);
    expect(binanceRequestWeight("GET", "https://fapi.binance.com/fapi/v1/premiumIndex")).toBe(10);
    expect(binanceRequestWeight("GET", "https://example.com/whatever")).toBe(5);
  });
});

describe("governedFetch: the venue's governor around fetch", () => {
  let n = 0;
  const venue = () => `test-venue-${++n}`;
  const respond =
    (status: number, h: Record<string, string> = {}, body = "{}") =>
    () =>
      Promise.resolve(new Response(body, { status, headers: h }));

  it("one governor per venue, shared by every caller", () => {
    const v = venue();
    expect(governorFor(v)).toBe(governorFor(v));
    expect(governorFor(v)).not.toBe(governorFor(venue()));
    expect(governorFor("binanceusdm-x").cap).toBe(1200);
  });

  it("given a 429 with Retry-After: 2, refuses the next call without sending it, then sends after 2 s", async () => {
    // given
    const v = venue();
    let clock = T0;
    let sent = 0;
    const fetchImpl = () => (++sent === 1 ? respond(429, { "Retry-After": "2" })() : respond(200)());
    const opts = { timeoutMs: 1000, weight: 1, fetchImpl, now: () => clock };
    // when
    const first = await governedFetch(v, "https://x.test/api/v3/time", {}, opts);
    clock += 500;
    const second = await governedFetch(v, "https://x.test/api/v3/time?signature=abc", {}, opts).catch((e: unknown) => e);
    // then
    expect(first.status).toBe(429);
    expect(second).toBeInstanceOf(RateLimitedError);
    expect(second).toMatchObject({ reason: "rate_limited", waitMs: 1500, venue: v });
    expect((second as Error).message).not.toContain("signature");
    expect(sent).toBe(1);
    clock += 1500;
    expect((await governedFetch(v, "https://x.test/api/v3/time", {}, opts)).status).toBe(200);
    expect(sent).toBe(2);
  });

  it("aborts a call that outlives its timeout with an HttpTimeoutError naming no query string", async () => {
    // given a venue that never answers
    const hung = (_u: string, init?: RequestInit) => new Promise<Response>((_r, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    // when
    const t = Date.now();
    const err = await governedFetch(venue(), "https://x.test/api/v3/account?signature=secret", { method: "GET" }, { timeoutMs: 50, weight: 20, fetchImpl: hung }).catch((e: unknown) => e);
    // then
    expect(err).toBeInstanceOf(HttpTimeoutError);
    expect((err as Error).name).toBe("TimeoutError");
    expect((err as Error).message).toBe("GET https://x.test/api/v3/account timed out after 50 ms");
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it("a caller's own abort is not reported as a timeout", async () => {
    const ac = new AbortController();
    const hung = (_u: string, init?: RequestInit) => new Promise<Response>((_r, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    const p = governedFetch(venue(), "https://x.test/api/v3/time", { signal: ac.signal }, { timeoutMs: 10_000, weight: 1, fetchImpl: hung }).catch((e: unknown) => e);
    ac.abort();
    const err = await p;
    expect(err).not.toBeInstanceOf(HttpTimeoutError);
    expect((err as Error).name).toBe("AbortError");
  });

  it("given a 418, reads the ban's end from the body and leaves the body to the caller", async () => {
    // given
    const v = venue();
    const until = T0 + 600_000;
    const body = JSON.stringify({ code: -1003, msg: `IP banned until ${until}.` });
    // when
    const res = await governedFetch(v, "https://x.test/api/v3/time", {}, { timeoutMs: 1000, weight: 1, fetchImpl: respond(418, {}, body), now: () => T0 });
    // then
    expect(await res.text()).toBe(body);
    expect(governorFor(v).admit(T0 + 1000, 1)).toMatchObject({ ok: false, reason: "banned", waitMs: 599_000, alert: true });
  });

  it("as ccxt's fetchImplementation: passes only fetch's fields, weighs the call by its path and counts the reported weight", async () => {
    // given
    const v = venue();
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fetchImpl = (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return Promise.resolve(new Response("{}", { status: 200, headers: { "x-mbx-used-weight-1m": "2990" } }));
    };
    const f = governedFetchFor(v, { timeoutMs: 1000, fetchImpl, now: () => T0 });
    // when ccxt calls it with its node-style extras
    await f("https://x.test/api/v3/exchangeInfo", { method: "GET", headers: { "X-MBX-APIKEY": "k" }, timeout: 10_000, agent: {} } as RequestInit);
    // then fetch got method, headers and a deadline signal only
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]!.init!).sort()).toEqual(["headers", "method", "signal"]);
    expect(governorFor(v).usedAt(T0)).toBe(2990);
    // and the next exchangeInfo (20) would pass the 3000 cap: refused
    await expect(f("https://x.test/api/v3/exchangeInfo", { method: "GET" })).rejects.toMatchObject({ reason: "weight_budget" });
    expect(seen).toHaveLength(1);
  });

  it("restoreGovernor puts a persisted state in the registry", () => {
    const v = venue();
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 451, headers({}));
    restoreGovernor(v, b.toJSON());
    expect(governorFor(v).admit(T0, 1)).toMatchObject({ ok: false, reason: "stopped" });
  });

  it("an alert is claimed once per ban or stop, whoever asks; a new ban is a new alert; a 429 is none", () => {
    const b = new RateBudget(BINANCE_SPOT_LIMITS);
    b.observe(T0, 429, headers({ "retry-after": "5" }));
    expect(b.claimAlert(T0)).toBeNull();
    b.observe(T0, 418, headers({ "retry-after": "60" }));
    expect(b.claimAlert(T0 + 1)).toMatchObject({ reason: "banned", detail: expect.stringMatching(/HTTP 418\) until /) });
    expect(b.claimAlert(T0 + 2)).toBeNull();
    // Restored after an eviction: still claimed.
    expect(RateBudget.fromJSON(BINANCE_SPOT_LIMITS, b.toJSON()).claimAlert(T0 + 3)).toBeNull();
    expect(b.claimAlert(T0 + 61_000)).toBeNull(); // the ban is over
    b.observe(T0 + 62_000, 418, headers({ "retry-after": "60" }));
    expect(b.claimAlert(T0 + 62_000)).toMatchObject({ reason: "banned" });
    b.observe(T0 + 63_000, 451, headers({}), "restricted location");
    expect(b.claimAlert(T0 + 63_000)).toMatchObject({ reason: "stopped", detail: expect.stringMatching(/HTTP 451\): restricted location/) });
    expect(b.claimAlert(T0 + 64_000)).toBeNull();
  });
});
