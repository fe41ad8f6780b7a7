/**
 * Every outbound REST call has a deadline: `fetchWithTimeout` aborts the request (and the reading of its
 * body) after `timeoutMs`, alongside any signal the caller passed, and reports it as an HttpTimeoutError.
 * Messages name the origin and path only: query strings (signatures, order parameters) stay out of logs.
 */

export class HttpTimeoutError extends Error {
  // ccxt maps an error named TimeoutError to its RequestTimeout.
  override name = "TimeoutError";
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`${target} timed out after ${timeoutMs} ms`);
  }
}

/** `METHOD origin/path` of a request, without its query string. */
export function describeRequest(method: string | undefined, url: string): string {
  return `${(method ?? "GET").toUpperCase()} ${url.split("?")[0]}`;
}

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * The deadline is a timer cleared as soon as the answer's headers arrive: AbortSignal.timeout would keep
 * its timer (and so the Durable Object that made the call) alive for the whole timeout.
 */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number, fetchImpl: FetchLike = (u, i) => fetch(u, i)): Promise<Response> {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
  try {
    return await fetchImpl(url, { ...init, signal });
  } catch (err) {
    if (deadline.signal.aborted && !init.signal?.aborted) throw new HttpTimeoutError(describeRequest(init.method, url), timeoutMs);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
