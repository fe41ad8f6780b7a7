import { symbolParam, type TradingContext } from "./context";
import { ApiError, decimal, errors, int, limitParam, ok, required, str, type ApiRequest, type ApiResponse } from "./http-util";
import { dec } from "./intervals";
import { cancelResponse, defaultRespType, newOrderResponse, queryOrder, tradeJson, type RespType } from "./order-format";
import { isOpen, type NewOrder, type Order, type OrderType, type Side } from "./orders";
import { verifySigned } from "./signing";

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const TYPES: readonly string[] = ["MARKET", "LIMIT", "STOP_LOSS", "STOP_LOSS_LIMIT"];

const notRequired = (name: string) => new ApiError(400, -1106, `Parameter '${name}' sent when not required.`);

function parseNewOrder(ctx: TradingContext, p: Record<string, string>): { order: NewOrder; resp: RespType } {
  const symbol = symbolParam(ctx, p);
  const side = required(p, "side");
  if (side !== "BUY" && side !== "SELL") throw new ApiError(400, -1117, "Invalid side.");
  const type = required(p, "type");
  if (!TYPES.includes(type)) throw new ApiError(400, -1116, "Invalid orderType.");
  const clientOrderId = str(p, "newClientOrderId");
  if (clientOrderId !== undefined && !CLIENT_ID.test(clientOrderId)) {
    throw new ApiError(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
  }
  const resp = str(p, "newOrderRespType") ?? defaultRespType(type);
  if (resp !== "ACK" && resp !== "RESULT" && resp !== "FULL") throw new ApiError(400, -1100, "Illegal characters found in parameter 'newOrderRespType'.");
  const quantity = decimal(p, "quantity");
  const order: NewOrder = { symbol, side: side as Side, type: type as OrderType, quantity, clientOrderId };
  const stopPrice = decimal(p, "stopPrice");
  if (type === "STOP_LOSS" || type === "STOP_LOSS_LIMIT") {
    if (stopPrice === undefined) throw new ApiError(400, -1102, "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!");
    order.stopPrice = stopPrice;
  } else if (stopPrice !== undefined) {
    throw notRequired("stopPrice");
  }
  if (type === "LIMIT" || type === "STOP_LOSS_LIMIT") {
    const tif = required(p, "timeInForce");
    if (tif !== "GTC" && tif !== "IOC" && tif !== "FOK") throw new ApiError(400, -1115, "Invalid timeInForce.");
    order.timeInForce = tif;
    order.price = decimal(p, "price");
    if (order.price === undefined) throw errors.mandatory("price");
    if (quantity === undefined) throw errors.mandatory("quantity");
  } else if (type === "STOP_LOSS") {
    if (quantity === undefined) throw errors.mandatory("quantity");
    if (str(p, "price") !== undefined) throw notRequired("price");
    if (str(p, "timeInForce") !== undefined) throw notRequired("timeInForce");
  } else {
    order.quoteOrderQty = decimal(p, "quoteOrderQty");
    if (quantity === undefined && order.quoteOrderQty === undefined) {
      throw new ApiError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
    }
    if (quantity !== undefined && order.quoteOrderQty !== undefined) {
      throw new ApiError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
    }
  }
  return { order, resp };
}

function findOrder(ctx: TradingContext, p: Record<string, string>, missing: ApiError): Order {
  const symbol = symbolParam(ctx, p);
  const orderId = int(p, "orderId");
  const clientOrderId = str(p, "origClientOrderId");
  if (orderId === undefined && clientOrderId === undefined) {
    throw new ApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  }
  const o = ctx.account.find(symbol, orderId !== undefined ? { orderId } : { clientOrderId });
  if (!o) throw missing;
  // Both sent: the order is looked up by orderId and its client id must match (Binance rejects otherwise).
  if (orderId !== undefined && clientOrderId !== undefined && o.clientOrderId !== clientOrderId) throw missing;
  return o;
}

/** Filters by optional startTime/endTime (on `time`) and fromId/orderId, then keeps `limit` (oldest first). */
function page<T extends { time: number }>(items: T[], p: Record<string, string>, id: (x: T) => number, idParam: string): T[] {
  const start = int(p, "startTime");
  const end = int(p, "endTime");
  const fromId = int(p, idParam);
  const limit = limitParam(p, 500, 1000);
  const picked = items.filter((x) => (start === undefined || x.time >= start) && (end === undefined || x.time <= end) && (fromId === undefined || id(x) >= fromId));
  return fromId !== undefined || start !== undefined ? picked.slice(0, limit) : picked.slice(-limit);
}

function account(ctx: TradingContext): unknown {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: dec(ctx.account.takerFee), taker: dec(ctx.account.takerFee), buyer: dec(0), seller: dec(0) },
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: ctx.now(),
    accountType: "SPOT",
    balances: ctx.account.balances().map((b) => ({ asset: b.asset, free: dec(b.free), locked: dec(b.locked) })),
    permissions: ["SPOT"],
    uid: 1,
  };
}

/** SIGNED endpoints under `/api/v3/`; undefined when the path is not one of them. */
export function handlePrivate(ctx: TradingContext, req: ApiRequest): ApiResponse | undefined {
  const key = `${req.method} ${req.path}`;
  const known = ["POST order", "POST order/test", "GET order", "DELETE order", "GET openOrders", "DELETE openOrders", "GET allOrders", "GET account", "GET myTrades"];
  if (!known.includes(key)) return undefined;
  verifySigned(req, ctx.apiKey, ctx.apiSecret);
  const p = req.params;
  const acct = ctx.account;
  switch (key) {
    case "POST order": {
      const { order, resp } = parseNewOrder(ctx, p);
      return ok(newOrderResponse(acct.place(order, ctx.now(), ctx.price(order.symbol)), resp));
    }
    case "POST order/test":
      parseNewOrder(ctx, p);
      return ok({});
    case "GET order":
      return ok(queryOrder(findOrder(ctx, p, new ApiError(400, -2013, "Order does not exist."))));
    case "DELETE order": {
      const o = findOrder(ctx, p, new ApiError(400, -2011, "Unknown order sent."));
      const cancelId = str(p, "newClientOrderId") ?? `cancel-${o.orderId}`;
      acct.cancel(o, ctx.now(), cancelId);
      return ok(cancelResponse(o, cancelId));
    }
    case "DELETE openOrders": {
      const symbol = symbolParam(ctx, p);
      const open = acct.orders.filter((o) => o.symbol === symbol && isOpen(o));
      if (open.length === 0) throw new ApiError(400, -2011, "Unknown order sent.");
      open.forEach((o) => acct.cancel(o, ctx.now(), `cancel-${o.orderId}`));
      return ok(open.map((o) => cancelResponse(o, `cancel-${o.orderId}`)));
    }
    case "GET openOrders": {
      const symbol = p["symbol"] === undefined ? undefined : symbolParam(ctx, p);
      return ok(acct.orders.filter((o) => isOpen(o) && (!symbol || o.symbol === symbol)).map(queryOrder));
    }
    case "GET allOrders": {
      const symbol = symbolParam(ctx, p);
      return ok(
        page(
          acct.orders.filter((o) => o.symbol === symbol),
          p,
          (o) => o.orderId,
          "orderId",
        ).map(queryOrder),
      );
    }
    case "GET myTrades": {
      const symbol = symbolParam(ctx, p);
      const orderId = int(p, "orderId");
      const trades = acct.trades.filter((t) => t.symbol === symbol && (orderId === undefined || t.orderId === orderId));
      return ok(page(trades, p, (t) => t.tradeId, "fromId").map(tradeJson));
    }
    default:
      return ok(account(ctx));
  }
}
