export type OrderSide = "buy" | "sell";
export type OrderStatus = "intent" | "submitted" | "filled" | "rejected";

/** One order of a position, stored before it leaves; the client order id makes resubmission idempotent. */
export interface OrderRecord {
  clientOrderId: string;
  positionId: string;
  symbol: string;
  side: OrderSide;
  purpose: "entry" | "exit";
  status: OrderStatus;
  /** Entry orders are sized in quote (spend this much); exits sell a base quantity. */
  quoteQty: number | null;
  qty: number | null;
  reason: string;
  createdAt: number;
  submittedAt: number | null;
  filledAt: number | null;
  fillPrice: number | null;
  filledQty: number | null;
  fee: number | null;
  rejectReason: string | null;
}

export interface Fill {
  price: number;
  qty: number;
  fee: number;
  at: number;
}

/** Deterministic client order id: the same position and purpose always give the same id (Binance allows 36 chars). */
export function clientOrderId(positionId: string, purpose: "entry" | "exit"): string {
  return `${positionId}-${purpose === "entry" ? "e" : "x"}`.slice(0, 36);
}

/** A market order written as intent: sized in quote for an entry (buy), in base for an exit (sell). */
export function orderIntent(
  positionId: string,
  symbol: string,
  purpose: "entry" | "exit",
  size: { quoteQty: number } | { qty: number },
  reason: string,
  now: number,
): OrderRecord {
  return {
    clientOrderId: clientOrderId(positionId, purpose),
    positionId,
    symbol,
    side: purpose === "entry" ? "buy" : "sell",
    purpose,
    status: "intent",
    quoteQty: "quoteQty" in size ? size.quoteQty : null,
    qty: "qty" in size ? size.qty : null,
    reason,
    createdAt: now,
    submittedAt: null,
    filledAt: null,
    fillPrice: null,
    filledQty: null,
    fee: null,
    rejectReason: null,
  };
}
