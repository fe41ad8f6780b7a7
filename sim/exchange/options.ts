import { z } from "zod";
import { DEFAULT_SYMBOLS, isKnownSymbol, symbolData, windowAt } from "./market-data";

export interface SessionOptions {
  symbols?: string[];
  /** Replay start (epoch ms or ISO string); must lie in a shipped 1m window of every symbol. */
  start: number | string;
  mode?: "realtime" | "manual";
  /** Realtime mode: market ms per wall ms. */
  speed?: number;
  /** Partial kline updates per 1m candle before the closing one. */
  partials?: number;
  /** A frame at each minute's open too (the open price, no volume yet): with `partials: 2`, the backtester's path. */
  openingFrame?: boolean;
  balances?: Record<string, number>;
  apiKey?: string;
  apiSecret?: string;
  takerFee?: number;
  /** MARKET executions fill as this many trades (distinct trade ids, each with its commission). Default 1. */
  fillParts?: number;
  /** Wall-clock validity of a user-data listenKey after POST/PUT; default 60 minutes as on Binance. */
  listenKeyTtlMs?: number;
}

export interface ResolvedOptions {
  symbols: string[];
  start: number;
  /** End of the replayable data: close of the last 1m candle every symbol has in the start window. */
  end: number;
  mode: "realtime" | "manual";
  speed: number;
  partials: number;
  openingFrame: boolean;
  balances: Record<string, number>;
  apiKey: string;
  apiSecret: string;
  takerFee: number;
  fillParts: number;
  listenKeyTtlMs: number;
}

const Schema = z
  .object({
    symbols: z.array(z.string().min(1)).min(1).optional(),
    start: z.union([z.number().finite(), z.string().min(1)]),
    mode: z.enum(["realtime", "manual"]).optional(),
    speed: z.number().positive().finite().optional(),
    partials: z.number().int().min(0).max(600).optional(),
    openingFrame: z.boolean().optional(),
    balances: z.record(z.string(), z.number().nonnegative().finite()).optional(),
    apiKey: z.string().min(1).optional(),
    apiSecret: z.string().min(1).optional(),
    takerFee: z.number().min(0).max(0.1).optional(),
    fillParts: z.number().int().min(1).max(100).optional(),
    listenKeyTtlMs: z.number().int().positive().optional(),
  })
  .strict();

function windowsText(symbol: string): string {
  return symbolData(symbol)
    .windows.map((w) => `${new Date(w.start).toISOString()} .. ${new Date(w.end).toISOString()}`)
    .join(", ");
}

/** Validates session options; throws an Error with a readable reason. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const r = Schema.safeParse(input);
  if (!r.success) throw new Error(`invalid session options: ${z.prettifyError(r.error)}`);
  const o = r.data;
  const start = typeof o.start === "number" ? o.start : Date.parse(o.start);
  if (!Number.isFinite(start)) throw new Error(`invalid session options: start ${JSON.stringify(o.start)} is not a date`);
  const symbols = [...new Set(o.symbols ?? DEFAULT_SYMBOLS)];
  let end = Infinity;
  for (const s of symbols) {
    if (!isKnownSymbol(s)) throw new Error(`unknown symbol ${s}: the simulator replays ${DEFAULT_SYMBOLS.join(", ")}`);
    const w = windowAt(symbolData(s), start);
    if (!w) {
      throw new Error(`start ${new Date(start).toISOString()} is outside the shipped 1m data of ${s} (available: ${windowsText(s)})`);
    }
    end = Math.min(end, w.end);
  }
  return {
    symbols,
    start,
    end,
    mode: o.mode ?? "manual",
    speed: o.speed ?? 1,
    partials: o.partials ?? 3,
    openingFrame: o.openingFrame ?? false,
    balances: o.balances ?? { USDT: 10_000 },
    apiKey: o.apiKey ?? "sim-key",
    apiSecret: o.apiSecret ?? "sim-secret",
    takerFee: o.takerFee ?? 0.001,
    fillParts: o.fillParts ?? 1,
    listenKeyTtlMs: o.listenKeyTtlMs ?? 3_600_000,
  };
}
