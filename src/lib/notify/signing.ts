/**
 * The generic webhook's signature: HMAC-SHA256 with NOTIFY_WEBHOOK_SECRET over `<timestamp>.<body>`
 * (the timestamp in Unix seconds as sent, a dot, the raw body bytes), hex, as `v1=<hex>`.
 * A receiver recomputes it, compares in constant time and rejects a timestamp older than a few minutes
 * (a replayed request). The delivery id lets it drop a repeat (a send whose answer was lost is sent again).
 */
export const WEBHOOK_HEADERS = {
  timestamp: "X-Edgetrader-Timestamp",
  signature: "X-Edgetrader-Signature",
  delivery: "X-Edgetrader-Delivery",
  event: "X-Edgetrader-Event",
} as const;

export const SIGNATURE_VERSION = "v1";

export function signingInput(timestampSec: number, body: string): string {
  return `${timestampSec}.${body}`;
}

export function signatureValue(hex: string): string {
  return `${SIGNATURE_VERSION}=${hex}`;
}

/** Whether a signed timestamp is within `toleranceSec` of the receiver's clock (either way). */
export function timestampFresh(timestampSec: number, nowSec: number, toleranceSec = 300): boolean {
  return Number.isInteger(timestampSec) && Math.abs(nowSec - timestampSec) <= toleranceSec;
}
