/** The worker's HTTP API with the signed-in token; every non-2xx answer becomes an ApiError with the API's own words. */

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** What a person reads: the API's message, its status and code. */
  describe() {
    return this.status ? `${this.message} (${this.status} ${this.code})` : this.message;
  }
}

/** A readable message for any error a panel meets. */
export function describeError(err) {
  if (err instanceof ApiError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

/**
 * `token()` gives the current token; `onUnauthorized(err)` runs on a 401 (a revoked or wrong token).
 * Operator actions name who acted with X-Operator ("dashboard").
 */
export function createApi({ token, onUnauthorized }) {
  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${token()}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") headers["X-Operator"] = "dashboard";
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (err) {
      throw new ApiError(0, "network_error", `cannot reach the worker (${err instanceof Error ? err.message : String(err)})`);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const e = json && typeof json === "object" ? json.error : null;
      const err = new ApiError(res.status, e?.code ?? "http_error", e?.message ?? `${method} ${path}: ${res.status} ${res.statusText}`, e?.details);
      if (res.status === 401) onUnauthorized?.(err);
      throw err;
    }
    return json;
  }
  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    patch: (path, body) => call("PATCH", path, body),
  };
}

/** `path?k=v&…` with the defined values of `params`, encoded. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
