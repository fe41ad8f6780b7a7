import { z } from "zod";
import { hmacSha256Hex } from "../hash";
import type { BrokerReport, ExchangeOrderView } from "../../lib/execution/exchange-orders";
import type { OrderFill } from "../../lib/execution/order";

/**
 * Binance's user-data stream on the WebSocket API (`userDataStream.subscribe.signature`): the signed
 * subscription request, and the frames that come back (answers by request id, and events wrapped as
 * `{subscriptionId, event}`). An `executionReport` becomes a BrokerReport for the order it names.
 */

// Checked at the boundary like the REST answers (ccxt-broker.ts): finite, non-negative, bounded decimals.
const decimal = z.string().refine((s) => {
  const n = Number(s);
  return s.trim() !== "" && Number.isFinite(n) && n >= 0 && n < 1e15;
}, "not a bounded decimal");
const OrderStatusSchema = z.enum(["NEW", "PENDING_NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "PENDING_CANCEL", "REJECTED", "EXPIRED", "EXPIRED_IN_MATCH"]);
const ExecTypeSchema = z.enum(["NEW", "CANCELED", "REPLACED", "REJECTED", "TRADE", "EXPIRED", "TRADE_PREVENTION"]);
const epochMs = z.number().int().nonnegative().max(1e14);
const clientId = z.string().max(64);

export const ExecutionReportSchema = z.object({
  e: z.literal("executionReport"),
  E: epochMs,
  s: z.string().min(1).max(32),
  c: clientId,
  /** The canceled order's own client id on a CANCELED event (`c` is then the cancel request's); "" otherwise. */
  C: clientId.nullable().optional(),
  x: ExecTypeSchema,
  X: OrderStatusSchema,
  i: z.number().int().nonnegative(),
  l: decimal,
  z: decimal,
  L: decimal,
  n: decimal,
  N: z.string().min(1).max(20).nullable(),
  T: epochMs,
  t: z.number().int().min(-1),
});
export type ExecutionReport = z.infer<typeof ExecutionReportSchema>;

/** One order event as the order lifecycle reads it: which order, and what the exchange says of it now. */
export interface StreamOrderReport {
  clientOrderId: string;
  /** The exchange's spelling, e.g. BTCUSDT. */
  symbol: string;
  report: BrokerReport;
}

function viewStatusOf(status: z.infer<typeof OrderStatusSchema>): ExchangeOrderView["status"] {
  if (status === "PENDING_CANCEL" || status === "PENDING_NEW") return "NEW";
  if (status === "EXPIRED_IN_MATCH") return "EXPIRED";
  return status;
}

/**
 * The report of one executionReport: the order's status and cumulative executed quantity, and the one trade it
 * carries when it is a TRADE (merged by trade id with what is known, so the order is final only once its
 * trades cover `z`).
 */
export function orderReportOf(er: ExecutionReport): StreamOrderReport {
  const clientOrderId = er.x === "CANCELED" && er.C ? er.C : er.c;
  const fills: OrderFill[] = er.x === "TRADE" && er.t >= 0 ? [{ tradeId: String(er.t), price: Number(er.L), qty: Number(er.l), fee: Number(er.n), feeAsset: er.N ?? "", at: er.T }] : [];
  const order: ExchangeOrderView = { exchangeOrderId: String(er.i), status: viewStatusOf(er.X), executedQty: Number(er.z), fills, at: er.E };
  return { clientOrderId, symbol: er.s, report: { kind: "order", order } };
}

const ResponseSchema = z.object({
  id: z.union([z.string().max(64), z.number(), z.null()]),
  status: z.number().int(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), msg: z.string().max(500) }).optional(),
});
const EventFrameSchema = z.object({ subscriptionId: z.number().int().optional(), event: z.object({ e: z.string().max(64) }).loose() });

const MAX_FRAME = 64 * 1024;

export type UserStreamFrame =
  | { kind: "response"; id: string | number | null; status: number; result: unknown; error: { code: number; msg: string } | null }
  | { kind: "execution"; subscriptionId: number | null; report: StreamOrderReport }
  /** Any other event (outboundAccountPosition, balanceUpdate, eventStreamTerminated, serverShutdown, ...). */
  | { kind: "event"; subscriptionId: number | null; type: string }
  | { kind: "invalid"; reason: string };

/** Reads one text frame of the WebSocket API. Never throws: what it cannot read is `invalid` with the reason. */
export function parseUserStreamFrame(raw: string): UserStreamFrame {
  if (raw.length > MAX_FRAME) return { kind: "invalid", reason: `frame of ${raw.length} chars` };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  if (msg && typeof msg === "object" && "event" in msg) {
    const frame = EventFrameSchema.safeParse(msg);
    if (!frame.success) return { kind: "invalid", reason: `event: ${frame.error.issues[0]?.message ?? "?"}` };
    const subscriptionId = frame.data.subscriptionId ?? null;
    if (frame.data.event.e !== "executionReport") return { kind: "event", subscriptionId, type: frame.data.event.e };
    const er = ExecutionReportSchema.safeParse(frame.data.event);
    if (!er.success) return { kind: "invalid", reason: `executionReport ${er.error.issues[0]?.path.join(".") ?? ""}: ${er.error.issues[0]?.message ?? "?"}` };
    return { kind: "execution", subscriptionId, report: orderReportOf(er.data) };
  }
  const res = ResponseSchema.safeParse(msg);
  if (!res.success) return { kind: "invalid", reason: "neither an event nor an answer" };
  return { kind: "response", id: res.data.id, status: res.data.status, result: res.data.result ?? null, error: res.data.error ?? null };
}

/** The payload Binance signs for a WebSocket API request: every param but `signature`, sorted by name, `k=v` joined by `&`. */
export function signaturePayload(params: Record<string, string | number>): string {
  return Object.keys(params)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join("&");
}

/** The `userDataStream.subscribe.signature` request frame, signed with the account's HMAC key. */
export async function subscribeRequest(o: { id: string; apiKey: string; secret: string; timestamp: number; recvWindow?: number }): Promise<string> {
  const params: Record<string, string | number> = { apiKey: o.apiKey, timestamp: o.timestamp, ...(o.recvWindow !== undefined ? { recvWindow: o.recvWindow } : {}) };
  const signature = await hmacSha256Hex(o.secret, signaturePayload(params));
  return JSON.stringify({ id: o.id, method: "userDataStream.subscribe.signature", params: { ...params, signature } });
}

/** A `ping` request: the answer proves the connection carries requests both ways. */
export function pingRequest(id: string): string {
  return JSON.stringify({ id, method: "ping" });
}
