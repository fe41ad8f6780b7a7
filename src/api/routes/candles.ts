import { z } from "zod";
import { listCandles, upsertCandles } from "../../adapters/store/candle-store";
import { MarketSymbolSchema } from "../../lib/config";
import { TIMEFRAMES, TIMEFRAME_MS } from "../../lib/market/timeframe";
import { routes } from "../contract";
import { checkRange, rangeQuery } from "../context";

/** Candle rows one PUT may carry. */
export const MAX_CANDLES_PER_PUT = 5_000;
/** Bytes of a PUT body (read from the stream, chunked or not): 5000 rows of six numbers take well under 1 MB. */
const MAX_PUT_BYTES = 2_000_000;
/** Row problems listed in one answer; the rest are counted. */
const MAX_ROW_ISSUES = 10;

const price = z.number().positive();
const CandleRowSchema = z.tuple([z.number().int("t must be an integer (epoch ms)").nonnegative(), price, price, price, price, z.number().nonnegative()]);

/** What is wrong with one candle row of `tf`, or null. */
function rowProblem(row: readonly number[], prev: readonly number[] | undefined, tf: (typeof TIMEFRAMES)[number]): string | null {
  const [t, o, h, l, c] = row as [number, number, number, number, number];
  const ms = TIMEFRAME_MS[tf];
  if (t % ms !== 0) return `t ${t} (${new Date(t).toISOString()}) is not aligned to ${tf}: open times are multiples of ${ms} ms`;
  if (h < l) return `high ${h} is below low ${l}`;
  if (h < Math.max(o, c)) return `high ${h} is below max(open, close) ${Math.max(o, c)}`;
  if (l > Math.min(o, c)) return `low ${l} is above min(open, close) ${Math.min(o, c)}`;
  if (prev && t <= prev[0]!) return `t ${t} is not after the previous row's ${prev[0]}: rows go in ascending t, each t once`;
  return null;
}

const PutCandlesBody = z
  .strictObject({
    symbol: MarketSymbolSchema,
    timeframe: z.enum(TIMEFRAMES),
    candles: z.array(CandleRowSchema).min(1).max(MAX_CANDLES_PER_PUT, `at most ${MAX_CANDLES_PER_PUT} candles per request; send more in several`),
  })
  .superRefine((b, ctx) => {
    if (!Array.isArray(b.candles)) return;
    let problems = 0;
    b.candles.forEach((row, i) => {
      const problem = rowProblem(row, b.candles[i - 1], b.timeframe);
      if (problem === null) return;
      if (++problems <= MAX_ROW_ISSUES) ctx.addIssue({ code: "custom", path: ["candles", i], message: problem });
    });
    if (problems > MAX_ROW_ISSUES) ctx.addIssue({ code: "custom", path: ["candles"], message: `${problems - MAX_ROW_ISSUES} more rows with problems` });
  });

const CandlesQuery = z.strictObject({
  symbol: MarketSymbolSchema,
  timeframe: z.enum(TIMEFRAMES),
  ...rangeQuery(MAX_CANDLES_PER_PUT),
});

/**
 * Candles stored for backtests, as `[t, o, h, l, c, v]` rows (t = open time, epoch ms): upsert a
 * checked batch of one symbol and timeframe; read them back oldest first.
 */
export const candleRoutes = routes("/api/candles", "candles", "Candles stored for backtests")
  .put(
    {
      path: "/",
      scope: "trade",
      summary: "Upsert a checked batch of candles of one symbol and timeframe",
      description: `Rows \`[t, o, h, l, c, v]\` (t = open time, epoch ms, aligned to the timeframe), ascending t, at most ${MAX_CANDLES_PER_PUT} per request. Nothing is stored if one row is bad.`,
      body: PutCandlesBody,
      bodyLimit: MAX_PUT_BYTES,
      response: z.object({ symbol: z.string(), timeframe: z.string(), received: z.number(), inserted: z.number(), updated: z.number(), from: z.number(), to: z.number() }),
    },
    async (c, { body }) => {
      const { inserted, updated } = await upsertCandles(c.env.DB, body.symbol, body.timeframe, body.candles);
      return c.json({ symbol: body.symbol, timeframe: body.timeframe, received: body.candles.length, inserted, updated, from: body.candles[0]![0], to: body.candles[body.candles.length - 1]![0] });
    },
  )
  .get(
    {
      path: "/",
      scope: "read",
      summary: "Stored candles of a symbol and timeframe, oldest first",
      query: CandlesQuery,
      response: z.object({ symbol: z.string(), timeframe: z.string(), count: z.number(), candles: z.array(z.array(z.number())) }),
    },
    async (c, { query: q }) => {
      checkRange(q);
      const candles = await listCandles(c.env.DB, { symbol: q.symbol, tf: q.timeframe, from: q.from, to: q.to, limit: q.limit });
      return c.json({ symbol: q.symbol, timeframe: q.timeframe, count: candles.length, candles });
    },
  );
