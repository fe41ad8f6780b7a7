import type { Account } from "./account";
import type { FuturesAccount } from "./futures-account";
import { errors, required } from "./http-util";

/** What REST handlers need from a session. */
export interface MarketContext {
  readonly symbols: readonly string[];
  readonly partials: number;
  now(): number;
  /** Current replay price of a session symbol. */
  price(symbol: string): number;
}

export interface TradingContext extends MarketContext {
  readonly account: Account;
  readonly futures: FuturesAccount;
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** The mandatory `symbol` parameter, checked against the session's symbols. */
export function symbolParam(ctx: MarketContext, p: Record<string, string>): string {
  const s = required(p, "symbol");
  if (!ctx.symbols.includes(s)) throw errors.invalidSymbol();
  return s;
}

/** Optional `symbol`/`symbols` selection; all session symbols when neither is sent. */
export function selectSymbols(ctx: MarketContext, p: Record<string, string>, list: string[] | undefined): { one: boolean; symbols: string[] } {
  if (p["symbol"] !== undefined) return { one: true, symbols: [symbolParam(ctx, p)] };
  const symbols = list ?? [...ctx.symbols];
  if (symbols.some((s) => !ctx.symbols.includes(s))) throw errors.invalidSymbol();
  return { one: false, symbols };
}
