import { z } from "zod";
import { listTrades } from "../../adapters/store/history-queries";
import type { BookPosition } from "../../lib/account/ledger";
import { MarketSymbolSchema } from "../../lib/config";
import { buildChart, CHART_WARMUP, chartMarkers, type ChartTrade } from "../../lib/market/chart";
import { TIMEFRAMES } from "../../lib/market/timeframe";
import { routes } from "../contract";
import { actors, queryNumber } from "../context";
import { ApiError } from "../errors";

const ChartQuery = z.strictObject({
  symbol: MarketSymbolSchema,
  tf: z.enum(TIMEFRAMES).default("1h"),
  limit: queryNumber().int("must be an integer").min(10).max(1000).default(300),
});
const Point = z.object({ t: z.number(), v: z.number() });

/** The seed's `/chart`: a symbol's candles from its ticker, with trade markers and indicators. */
export const chartRoutes = routes("/api/chart", "chart", "Chart data: candles, trade markers, indicators").get(
  {
    path: "/",
    scope: "read",
    portfolio: true,
    summary: "Candles of one symbol with entry/exit markers and EMA 20/50, RSI 14",
    description:
      "`/api/chart?symbol=BTC/USDT&tf=1h&limit=300`: the ticker's closed candles (oldest first), markers for closed trades and open positions in range, indicators computed over 100 more candles.",
    query: ChartQuery,
    response: z.object({
      symbol: z.string(),
      tf: z.string(),
      candles: z.array(z.object({ t: z.number(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number() })),
      markers: z.array(z.object({ at: z.number(), price: z.number(), kind: z.enum(["entry", "exit"]), positionId: z.string(), decisionId: z.string().nullable(), detail: z.string() })),
      indicators: z.object({ ema20: z.array(Point), ema50: z.array(Point), rsi14: z.array(Point) }),
    }),
    errors: { 404: "the engine has no ticker for this symbol (not_found)" },
  },
  async (c, { query, portfolio }) => {
    const a = actors(c.env, portfolio);
    const gate = await a.gate.status();
    if (!gate.symbols.includes(query.symbol)) throw new ApiError(404, "not_found", `no ticker for ${query.symbol}; the engine trades ${gate.symbols.join(", ") || "nothing (not started)"}`);
    const [candles, trades, summary] = await Promise.all([
      a.ticker(query.symbol).candles(query.tf, query.limit + CHART_WARMUP),
      listTrades(c.env.DB, { portfolio: a.portfolio, symbol: query.symbol, limit: 500 }),
      a.account.summary().catch(() => null),
    ]);
    const markers = chartMarkers(query.symbol, trades as unknown as ChartTrade[], (summary?.positions ?? []) as BookPosition[]);
    return c.json({ symbol: query.symbol, tf: query.tf, ...buildChart(candles, query.limit, markers) });
  },
);
