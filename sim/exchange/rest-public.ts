import { selectSymbols, symbolParam, type MarketContext } from "./context";
import { exchangeInfo } from "./exchange-info";
import { errors, int, limitParam, ok, required, str, symbolsParam, type ApiRequest, type ApiResponse } from "./http-util";
import { intervalMs } from "./intervals";
import { klineRow, queryKlines } from "./klines";
import { bookTicker, ticker24hr, tickerPrice } from "./tickers";

function klines(ctx: MarketContext, p: Record<string, string>): ApiResponse {
  const symbol = symbolParam(ctx, p);
  const interval = required(p, "interval");
  const ms = intervalMs(interval);
  if (ms === undefined) throw errors.invalidInterval();
  const startTime = int(p, "startTime");
  const endTime = int(p, "endTime");
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) throw errors.startAfterEnd();
  const limit = limitParam(p, 500, 1000);
  const rows = queryKlines(symbol, interval, ms, ctx.now(), ctx.partials, { startTime, endTime, limit });
  return ok(rows.map((c) => klineRow(c, ms)));
}

/** One object for `symbol`, else an array over `symbols` or every session symbol. */
function perSymbol(ctx: MarketContext, p: Record<string, string>, f: (ctx: MarketContext, s: string) => unknown): ApiResponse {
  const sel = selectSymbols(ctx, p, symbolsParam(p));
  return ok(sel.one ? f(ctx, sel.symbols[0]!) : sel.symbols.map((s) => f(ctx, s)));
}

/** Public market-data endpoints under `/api/v3/`; undefined when the path is not one of them. */
export function handlePublic(ctx: MarketContext, req: ApiRequest): ApiResponse | undefined {
  if (req.method !== "GET") return undefined;
  const p = req.params;
  switch (req.path) {
    case "ping":
      return ok({});
    case "time":
      return ok({ serverTime: ctx.now() });
    case "exchangeInfo": {
      const list = str(p, "symbol") !== undefined ? [symbolParam(ctx, p)] : symbolsParam(p);
      return ok(exchangeInfo(selectSymbols(ctx, {}, list).symbols, ctx.now()));
    }
    case "klines":
    case "uiKlines":
      return klines(ctx, p);
    case "ticker/price":
      return perSymbol(ctx, p, tickerPrice);
    case "ticker/24hr":
      return perSymbol(ctx, p, ticker24hr);
    case "ticker/bookTicker":
      return perSymbol(ctx, p, bookTicker);
    default:
      return undefined;
  }
}
