import { createHmac, timingSafeEqual } from "node:crypto";
import { ApiError, errors } from "./http-util";

/** Hex HMAC-SHA256 of `payload`, Binance's signature for HMAC API keys. */
export function sign(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/** Removes the `signature=...` pair from a raw urlencoded string, leaving the rest byte-for-byte intact. */
function withoutSignature(raw: string): { rest: string; signature: string | undefined } {
  const parts = raw.split("&");
  const idx = parts.findIndex((p) => p.startsWith("signature="));
  if (idx < 0) return { rest: raw, signature: undefined };
  const signature = decodeURIComponent(parts[idx]!.slice("signature=".length));
  parts.splice(idx, 1);
  return { rest: parts.join("&"), signature };
}

/**
 * Checks a SIGNED WebSocket API request: `signature` must be the HMAC of every other param, sorted by name, as
 * `name=value` pairs joined by `&` (HMAC signatures are not case-sensitive). Throws -1102 when it is missing.
 */
export function verifyParamsSignature(params: Record<string, unknown>, apiSecret: string): void {
  const signature = params["signature"];
  if (typeof signature !== "string" || signature === "") throw errors.mandatory("signature");
  const payload = Object.keys(params)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join("&");
  const expected = Buffer.from(sign(apiSecret, payload));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(400, -1022, "Signature for this request is not valid.");
  }
}

/** Checks the `X-MBX-APIKEY` header that USER_STREAM and SIGNED endpoints need. */
export function verifyApiKey(headers: Record<string, string | string[] | undefined>, apiKey: string): void {
  const key = headers["x-mbx-apikey"];
  if (key === undefined || key === "") throw new ApiError(401, -2014, "API-key format invalid.");
  if (key !== apiKey) throw new ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.");
}

/**
 * Checks a SIGNED request: X-MBX-APIKEY must match, `timestamp` must be present, and `signature` must be the
 * HMAC of totalParams = raw query string (without signature) concatenated with the raw body. The timestamp is
 * checked against the wall clock (clients sign with wall time, whatever the replay time) as Binance does: a
 * request more than 1 s ahead, or older than its recvWindow (default 5000 ms, at most 60000), is refused with
 * -1021 and not executed; so an order not on the book recvWindow after it was signed never will be.
 */
export function verifySigned(
  req: { headers: Record<string, string | string[] | undefined>; rawQuery: string; rawBody: string; params: Record<string, string> },
  apiKey: string,
  apiSecret: string,
): void {
  verifyApiKey(req.headers, apiKey);
  if (!req.params["timestamp"]) throw errors.mandatory("timestamp");
  const recvWindow = req.params["recvWindow"] === undefined ? 5_000 : Number(req.params["recvWindow"]);
  if (!(recvWindow > 0 && recvWindow <= 60_000)) throw new ApiError(400, -1131, "recvWindow must be less than 60000");
  const timestamp = Number(req.params["timestamp"]);
  const now = Date.now();
  if (!(timestamp < now + 1_000 && now - timestamp <= recvWindow)) throw new ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  const q = withoutSignature(req.rawQuery);
  const b = withoutSignature(req.rawBody);
  const signature = q.signature ?? b.signature;
  if (!signature) throw errors.mandatory("signature");
  const expected = Buffer.from(sign(apiSecret, q.rest + b.rest));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(400, -1022, "Signature for this request is not valid.");
  }
}
