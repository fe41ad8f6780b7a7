import { symbolParam, type TradingContext } from "./context";
import type { FuturesAccount, FuturesNewOrder } from "./futures-account";
import { checkFuturesOrder, leverageBracket } from "./futures-info";
import { algoOrderJson, futuresAckJson, futuresOrderJson, futuresTradeJson, incomeJson, isOpenOrder, type AlgoOrder, type FuturesOrder } from "./futures-orders";
import { MAINT_MARGIN_RATE, MAX_LEVERAGE, type Position } from "./futures-positions";
import { ApiError, decimal, errors, int, limitParam, ok, required, str, type ApiRequest, type ApiResponse } from "./http-util";
import { dec, round8 } from "./intervals";
import { verifySigned } from "./signing";

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const bool = (p: Record<string, string>, name: string): boolean => {
  const v = str(p, name);
  if (v === undefined || v === "false") return false;
  if (v === "true") return true;
  throw new ApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is 'true, false'.`);
};

/** A new order's parameters; `algo` orders (`/fapi/v1/algoOrder`) name the trigger `triggerPrice` and the client id `clientAlgoId`. */
function parseOrder(ctx: TradingContext, p: Record<string, string>, algo: boolean): FuturesNewOrder {
  const symbol = symbolParam(ctx, p);
  const side = required(p, "side");
  if (side !== "BUY" && side !== "SELL") throw new ApiError(400, -1117, "Invalid side.");
  const type = required(p, "type");
  if (algo ? type !== "STOP_MARKET" : type !== "MARKET" && type !== "STOP_MARKET") throw new ApiError(400, -1116, "Invalid orderType.");
  if (algo && required(p, "algoType") !== "CONDITIONAL") throw new ApiError(400, -1116, "Invalid algoType.");
  if ((str(p, "positionSide") ?? "BOTH") !== "BOTH") throw new ApiError(400, -4061, "Order's position side does not match user's setting.");
  const wt = str(p, "workingType") ?? "CONTRACT_PRICE";
  if (wt !== "CONTRACT_PRICE") throw new ApiError(400, -1100, "Illegal characters found in parameter 'workingType'; the simulator supports CONTRACT_PRICE only.");
  const clientOrderId = str(p, algo ? "clientAlgoId" : "newClientOrderId");
  if (clientOrderId !== undefined && !CLIENT_ID.test(clientOrderId)) throw new ApiError(400, -4015, "Client order id is not valid.");
  const closePosition = bool(p, "closePosition");
  const reduceOnly = bool(p, "reduceOnly");
  const quantity = decimal(p, "quantity");
  const stopPrice = decimal(p, algo ? "triggerPrice" : "stopPrice");
  if (type === "STOP_MARKET" && stopPrice === undefined) throw errors.mandatory(algo ? "triggerPrice" : "stopPrice");
  if (type === "MARKET" && stopPrice !== undefined) throw new ApiError(400, -1106, "Parameter 'stopPrice' sent when not required.");
  if (closePosition) {
    if (type !== "STOP_MARKET") throw new ApiError(400, -1106, "Parameter 'closePosition' sent when not required.");
    if (quantity !== undefined) throw new ApiError(400, -1106, "Parameter 'quantity' sent when not required.");
    if (reduceOnly) throw new ApiError(400, -1106, "Parameter 'reduceOnly' sent when not required.");
  } else if (quantity === undefined) throw errors.mandatory("quantity");
  checkFuturesOrder(symbol, quantity, stopPrice, ctx.price(symbol), reduceOnly || closePosition);
  return { symbol, side, type: type as FuturesNewOrder["type"], quantity, stopPrice, reduceOnly, closePosition, clientOrderId };
}

function findOrder(ctx: TradingContext, p: Record<string, string>, missing: ApiError): FuturesOrder {
  const symbol = symbolParam(ctx, p);
  const orderId = int(p, "orderId");
  const cid = str(p, "origClientOrderId");
  if (orderId === undefined && cid === undefined) throw new ApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  const list = ctx.futures.orders;
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i]!;
    if (o.symbol === symbol && (orderId !== undefined ? o.orderId === orderId : o.clientOrderId === cid)) return o;
  }
  throw missing;
}

function findAlgo(ctx: TradingContext, p: Record<string, string>, missing: ApiError): AlgoOrder {
  const algoId = int(p, "algoId");
  const cid = str(p, "clientAlgoId");
  if (algoId === undefined && cid === undefined) throw new ApiError(400, -1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!");
  const a = [...ctx.futures.algoOrders].reverse().find((x) => (algoId !== undefined ? x.algoId === algoId : x.clientAlgoId === cid));
  if (!a) throw missing;
  return a;
}

function positionRisk(f: FuturesAccount, p: Position, mark: number, v2: boolean): Record<string, unknown> {
  const s = f.setting(p.symbol);
  const upnl = f.unrealizedPnl(p);
  const notional = round8(p.amt * mark);
  const common = {
    symbol: p.symbol,
    positionSide: "BOTH",
    positionAmt: dec(p.amt),
    entryPrice: dec(p.entry),
    breakEvenPrice: dec(p.entry),
    markPrice: dec(mark),
    unRealizedProfit: dec(upnl),
    liquidationPrice: dec(f.liquidationPrice(p)),
    isolatedMargin: dec(s.isolated && p.amt !== 0 ? p.isolatedWallet + upnl : 0),
    notional: dec(notional),
    isolatedWallet: dec(p.isolatedWallet),
    updateTime: p.updateTime,
  };
  if (v2) return { ...common, leverage: String(s.leverage), maxNotionalValue: "1000000000", marginType: s.isolated ? "isolated" : "cross", isAutoAddMargin: "false", isolated: s.isolated };
  const im = f.initialMargin(p);
  return {
    ...common,
    marginAsset: "USDT",
    initialMargin: dec(im),
    maintMargin: dec(Math.abs(notional) * MAINT_MARGIN_RATE),
    positionInitialMargin: dec(im),
    openOrderInitialMargin: "0",
    adl: 0,
    bidNotional: "0",
    askNotional: "0",
  };
}

function account(ctx: TradingContext, v2: boolean): unknown {
  const f = ctx.futures;
  const positions = ctx.symbols.map((s) => f.position(s));
  const upnl = round8(positions.reduce((a, p) => a + f.unrealizedPnl(p), 0));
  const crossUpnl = round8(positions.filter((p) => !f.setting(p.symbol).isolated).reduce((a, p) => a + f.unrealizedPnl(p), 0));
  const im = round8(positions.reduce((a, p) => a + f.initialMargin(p), 0));
  const mm = round8(positions.reduce((a, p) => a + Math.abs(p.amt) * ctx.price(p.symbol) * MAINT_MARGIN_RATE, 0));
  const available = dec(f.availableBalance());
  const totals = {
    walletBalance: dec(f.wallet),
    unrealizedProfit: dec(upnl),
    marginBalance: dec(f.wallet + upnl),
    maintMargin: dec(mm),
    initialMargin: dec(im),
    positionInitialMargin: dec(im),
    openOrderInitialMargin: dec(0),
    crossWalletBalance: dec(f.crossWallet()),
    crossUnPnl: dec(crossUpnl),
    availableBalance: available,
    maxWithdrawAmount: available,
  };
  const shown = v2 ? positions : positions.filter((p) => p.amt !== 0);
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    totalInitialMargin: totals.initialMargin,
    totalMaintMargin: totals.maintMargin,
    totalWalletBalance: totals.walletBalance,
    totalUnrealizedProfit: totals.unrealizedProfit,
    totalMarginBalance: totals.marginBalance,
    totalPositionInitialMargin: totals.positionInitialMargin,
    totalOpenOrderInitialMargin: totals.openOrderInitialMargin,
    totalCrossWalletBalance: totals.crossWalletBalance,
    totalCrossUnPnl: totals.crossUnPnl,
    availableBalance: available,
    maxWithdrawAmount: available,
    assets: [{ asset: "USDT", ...totals, marginAvailable: true, updateTime: f.updateTime }],
    positions: shown.map((p) => positionRisk(f, p, ctx.price(p.symbol), v2)),
  };
}

function balance(ctx: TradingContext): unknown {
  const f = ctx.futures;
  const cross = ctx.symbols.map((s) => f.position(s)).filter((p) => !f.setting(p.symbol).isolated);
  const available = dec(f.availableBalance());
  return [
    {
      accountAlias: "SgsR",
      asset: "USDT",
      balance: dec(f.wallet),
      crossWalletBalance: dec(f.crossWallet()),
      crossUnPnl: dec(cross.reduce((a, p) => a + f.unrealizedPnl(p), 0)),
      availableBalance: available,
      maxWithdrawAmount: available,
      marginAvailable: true,
      updateTime: f.updateTime,
    },
  ];
}

/** Newest `limit` rows in [startTime, endTime] (Binance's income and userTrades: oldest first within the page). */
function page<T extends { time: number }>(rows: T[], p: Record<string, string>, def: number, max: number): T[] {
  const start = int(p, "startTime");
  const end = int(p, "endTime");
  if (start !== undefined && end !== undefined && start > end) throw errors.startAfterEnd();
  const limit = limitParam(p, def, max);
  const picked = rows.filter((r) => (start === undefined || r.time >= start) && (end === undefined || r.time <= end));
  return start !== undefined ? picked.slice(0, limit) : picked.slice(-limit);
}

const PATHS = ["POST leverage", "POST marginType", "POST order", "GET order", "DELETE order", "GET openOrders", "GET userTrades", "GET income", "GET leverageBracket"]
  .concat(["POST algoOrder", "GET algoOrder", "DELETE algoOrder", "GET openAlgoOrders"])
  .concat(["GET v2/positionRisk", "GET v2/balance", "GET v2/account", "GET v3/positionRisk", "GET v3/balance", "GET v3/account"]);

/** SIGNED USD-M endpoints under `/fapi/v1/` (and `v2/...`, `v3/...` for `/fapi/v2/`, `/fapi/v3/`); undefined when the path is not one of them. */
export function handleFapiPrivate(ctx: TradingContext, req: ApiRequest): ApiResponse | undefined {
  const key = `${req.method} ${req.path}`;
  if (!PATHS.includes(key)) return undefined;
  verifySigned(req, ctx.apiKey, ctx.apiSecret);
  const p = req.params;
  const f = ctx.futures;
  const T = ctx.now();
  switch (key) {
    case "POST leverage": {
      const symbol = symbolParam(ctx, p);
      const leverage = int(p, "leverage");
      if (leverage === undefined) throw errors.mandatory("leverage");
      if (leverage < 1 || leverage > MAX_LEVERAGE) throw new ApiError(400, -4028, `Leverage ${leverage} is not valid`);
      f.setLeverage(symbol, leverage);
      return ok({ leverage, maxNotionalValue: "1000000000", symbol });
    }
    case "POST marginType": {
      const symbol = symbolParam(ctx, p);
      const type = required(p, "marginType");
      if (type !== "ISOLATED" && type !== "CROSSED") throw new ApiError(400, -1100, "Illegal characters found in parameter 'marginType'; legal range is 'ISOLATED, CROSSED'.");
      f.setMarginType(symbol, type === "ISOLATED");
      return ok({ code: 200, msg: "success" });
    }
    case "POST order": {
      const resp = str(p, "newOrderRespType") ?? "ACK";
      if (resp !== "ACK" && resp !== "RESULT") throw new ApiError(400, -1136, "Invalid newOrderRespType");
      const o = f.place(parseOrder(ctx, p, false), T, ctx.price(symbolParam(ctx, p)));
      return ok(resp === "ACK" ? futuresAckJson(o) : futuresOrderJson(o));
    }
    case "GET order":
      return ok(futuresOrderJson(findOrder(ctx, p, new ApiError(400, -2013, "Order does not exist."))));
    case "DELETE order": {
      const o = findOrder(ctx, p, new ApiError(400, -2011, "Unknown order sent."));
      f.cancel(o, T);
      return ok(futuresOrderJson(o));
    }
    case "GET openOrders": {
      const symbol = str(p, "symbol") === undefined ? undefined : symbolParam(ctx, p);
      return ok(f.orders.filter((o) => isOpenOrder(o) && (!symbol || o.symbol === symbol)).map(futuresOrderJson));
    }
    case "GET userTrades": {
      const symbol = symbolParam(ctx, p);
      const orderId = int(p, "orderId");
      return ok(
        page(
          f.trades.filter((t) => t.symbol === symbol && (orderId === undefined || t.orderId === orderId)),
          p,
          500,
          1000,
        ).map(futuresTradeJson),
      );
    }
    case "GET income": {
      const symbol = str(p, "symbol") === undefined ? undefined : symbolParam(ctx, p);
      const type = str(p, "incomeType");
      return ok(
        page(
          f.income.filter((i) => (!symbol || i.symbol === symbol) && (!type || i.incomeType === type)),
          p,
          100,
          1000,
        ).map(incomeJson),
      );
    }
    case "GET leverageBracket":
      return ok(str(p, "symbol") === undefined ? ctx.symbols.map(leverageBracket) : leverageBracket(symbolParam(ctx, p)));
    case "POST algoOrder": {
      const a = f.placeAlgo(parseOrder(ctx, p, true), T, ctx.price(symbolParam(ctx, p)));
      return ok(algoOrderJson(a));
    }
    case "GET algoOrder":
      return ok(algoOrderJson(findAlgo(ctx, p, new ApiError(400, -2013, "Order does not exist."))));
    case "DELETE algoOrder": {
      const a = findAlgo(ctx, p, new ApiError(400, -2011, "Unknown order sent."));
      f.cancelAlgo(a, T);
      return ok({ algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: "200", msg: "success" });
    }
    case "GET openAlgoOrders": {
      const symbol = str(p, "symbol") === undefined ? undefined : symbolParam(ctx, p);
      return ok(f.algoOrders.filter((a) => a.algoStatus === "NEW" && (!symbol || a.symbol === symbol)).map(algoOrderJson));
    }
    case "GET v2/positionRisk":
    case "GET v3/positionRisk": {
      const v2 = key.includes("v2/");
      const symbols = str(p, "symbol") === undefined ? ctx.symbols : [symbolParam(ctx, p)];
      const rows = symbols.map((s) => f.position(s)).filter((x) => v2 || x.amt !== 0);
      return ok(rows.map((x) => positionRisk(f, x, ctx.price(x.symbol), v2)));
    }
    case "GET v2/balance":
    case "GET v3/balance":
      return ok(balance(ctx));
    default:
      return ok(account(ctx, key === "GET v2/account"));
  }
}
